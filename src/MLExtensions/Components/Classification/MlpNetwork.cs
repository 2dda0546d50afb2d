using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.Classification;

/// <summary>
/// The classifier's network: input standardisation (mean and std learned at fit, saved as buffers), hidden blocks
/// (Linear, optional BatchNorm1d, ReLU, Dropout) and a linear head giving class logits.
/// </summary>
internal sealed class MlpNetwork : Layer
{
    private readonly Sequential[] _blocks;
    private readonly Linear _head;

    public MlpNetwork(int inputs, IReadOnlyList<int> hidden, int classes, double dropout, bool batchNorm)
    {
        Inputs = inputs;
        Classes = classes;
        HiddenSizes = hidden.ToArray();
        RegisterBuffer("mean", torch.Zeros([inputs]));
        RegisterBuffer("std", torch.Ones([inputs]));
        _blocks = new Sequential[hidden.Count];
        int width = inputs;
        for (int i = 0; i < hidden.Count; i++)
        {
            var block = new Sequential();
            block.Add("linear", new Linear(width, hidden[i]));
            if (batchNorm) block.Add("norm", new BatchNorm1d(hidden[i]));
            block.Add("relu", new ReLU());
            if (dropout > 0) block.Add("dropout", new Dropout(dropout));
            _blocks[i] = RegisterModule($"hidden{i}", block);
            width = hidden[i];
        }
        _head = RegisterModule("head", new Linear(width, classes));
    }

    public int Inputs { get; }
    public int Classes { get; }
    public int[] HiddenSizes { get; }

    // Looked up on each use: moving the module to another device replaces its tensors.
    private Tensor Mean => GetBuffer("mean")!;
    private Tensor Std => GetBuffer("std")!;

    /// <summary>The device the network's tensors live on.</summary>
    public Device Device => Mean.Device;

    /// <summary>Sets the standardisation statistics (std is floored so constant features do not blow up).</summary>
    public void SetStandardization(Tensor mean, Tensor std)
    {
        using var noGrad = torch.NoGrad();
        using var scope = torch.NewDisposeScope();
        Mean.Copy_(mean);
        Std.Copy_(std.ClampMin(1e-6));
    }

    public override Tensor Forward(Tensor input) => ForwardWithHidden(input, -1).Logits;

    /// <summary>
    /// Logits, and the output of hidden block <paramref name="hiddenLayer"/> (negative counts from the last; the
    /// standardised input when the network has no hidden layer).
    /// </summary>
    public (Tensor Logits, Tensor Hidden) ForwardWithHidden(Tensor input, int hiddenLayer)
    {
        var x = (input - Mean) / Std;
        int wanted = _blocks.Length == 0 ? -1 : (hiddenLayer < 0 ? _blocks.Length + hiddenLayer : hiddenLayer);
        if (_blocks.Length > 0 && (wanted < 0 || wanted >= _blocks.Length))
            throw new ArgumentOutOfRangeException(nameof(hiddenLayer), hiddenLayer, $"the network has {_blocks.Length} hidden layer(s)");
        var hidden = x;
        for (int i = 0; i < _blocks.Length; i++)
        {
            x = _blocks[i].Forward(x);
            if (i == wanted) hidden = x;
        }
        return (_head.Forward(x), hidden);
    }

    /// <summary>The width of hidden block <paramref name="hiddenLayer"/> (negative counts from the last).</summary>
    public int HiddenWidth(int hiddenLayer)
    {
        if (HiddenSizes.Length == 0) return Inputs;
        int i = hiddenLayer < 0 ? HiddenSizes.Length + hiddenLayer : hiddenLayer;
        if (i < 0 || i >= HiddenSizes.Length)
            throw new ArgumentOutOfRangeException(nameof(hiddenLayer), hiddenLayer, $"the network has {HiddenSizes.Length} hidden layer(s)");
        return HiddenSizes[i];
    }

    protected override string ExtraDescription() => $"inputs={Inputs}, hidden=[{string.Join(", ", HiddenSizes)}], classes={Classes}";
}
