using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Cli.Quickstart;

/// <summary>
/// The quickstart's model: input standardisation (learned at fit) + an MLP over a Features vector; Transform adds
/// Score (class probabilities, slot names = labels) and PredictedLabel. Saved as a model zip like every component.
/// </summary>
internal sealed class DigitsMlp : ITransformer
{
    public const string ComponentName = "Quickstart.DigitsMlp";

    private readonly Tensor _mean, _std;

    public DigitsMlp(int inputs, int hidden, LabelMap labels, Tensor mean, Tensor std)
    {
        Inputs = inputs;
        Hidden = hidden;
        Labels = labels;
        _mean = mean.DetachFromDisposeScope();
        _std = std.DetachFromDisposeScope();
        Network = new Sequential(new Linear(inputs, hidden), new ReLU(), new Dropout(0.2), new Linear(hidden, labels.Count));
    }

    public int Inputs { get; }
    public int Hidden { get; }
    public LabelMap Labels { get; }
    public Sequential Network { get; }

    /// <summary>Metrics saved with the model (e.g. validation accuracy).</summary>
    public Dictionary<string, double> Metrics { get; } = new();

    /// <summary>Logits for a [N, Inputs] feature tensor.</summary>
    public Tensor Logits(Tensor features) => Network.Forward((features - _mean) / _std);

    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        var f = inputSchema.Require("Features", ColumnKind.FloatVector);
        if (f.VectorSize != Inputs) throw new ArgumentException($"column 'Features' has {f.VectorSize} values per row; the model expects {Inputs}");
        return new DataSchema(inputSchema
            .Append(new ColumnSchema("Score", ColumnKind.FloatVector, Labels.Count, Labels.Labels))
            .Append(new ColumnSchema("PredictedLabel", ColumnKind.Key)));
    }

    public DataBatch Transform(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        Network.Eval();
        var probs = Logits(input.GetColumn<FloatVectorColumn>("Features").ToTensor()).Softmax(1);
        var predicted = probs.Argmax(1);
        return input
            .Append(FloatVectorColumn.FromTensor("Score", probs, Labels.Labels))
            .Append(KeyColumn.FromTensor("PredictedLabel", predicted, Labels.Labels));
    }

    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName) { ParameterCount = Network.ParameterCount() };
        manifest.Options["inputs"] = Inputs;
        manifest.Options["hidden"] = Hidden;
        manifest.SetLabelMap(Labels);
        foreach (var kv in Metrics) manifest.Metrics[kv.Key] = kv.Value;
        var weights = new Dictionary<string, Tensor>(Network.StateDict()) { ["input.mean"] = _mean, ["input.std"] = _std };
        ModelFile.Save(path, manifest, weights);
    }

    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var m = model.Manifest;
        int inputs = (int)m.Options["inputs"]!, hidden = (int)m.Options["hidden"]!;
        // The statistics are kept as they are: taken out of the loaded set so that disposing it leaves them alive.
        var mean = model.GetWeight("input.mean");
        var std = model.GetWeight("input.std");
        model.Weights.Remove("input.mean");
        model.Weights.Remove("input.std");
        var net = new DigitsMlp(inputs, hidden, m.GetLabelMap(), mean, std);
        net.Network.LoadStateDict(model.Weights);
        return net;
    }

    public void Dispose()
    {
        Network.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
