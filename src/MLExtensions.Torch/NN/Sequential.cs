using System.Collections;

namespace MLExtensions.Torch.NN;

/// <summary>
/// Layers applied in order; children are named "0", "1", ... (or as given), so parameters read
/// <c>0.weight</c>, <c>1.bias</c>, like torch.nn.Sequential. Intermediate results are released as soon as
/// the next layer has consumed them (autograd keeps what it needs).
/// </summary>
public sealed class Sequential : Layer, IEnumerable<Layer>
{
    private readonly List<Layer> _layers = new();

    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers) Add(l);
    }

    public Sequential(IEnumerable<(string Name, Layer Layer)> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var (name, layer) in layers) Add(name, layer);
    }

    /// <summary>Appends <paramref name="layer"/> under the next index; returns this.</summary>
    public Sequential Add(Layer layer) => Add(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);

    /// <summary>Appends <paramref name="layer"/> under <paramref name="name"/>; returns this.</summary>
    public Sequential Add(string name, Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        RegisterModule(name, layer);
        _layers.Add(layer);
        return this;
    }

    public int Count => _layers.Count;
    public Layer this[int index] => _layers[index];

    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_layers.Count == 0) return input.Alias();
        var x = input;
        foreach (var layer in _layers)
        {
            var y = layer.Forward(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(y, x)) x.Dispose();
            x = y;
        }
        return ReferenceEquals(x, input) ? input.Alias() : x;
    }

    public IEnumerator<Layer> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
