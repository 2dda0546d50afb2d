using System.Text.Json.Nodes;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Components.Classification;

/// <summary>
/// A fitted MLP classifier (trained by <see cref="NeuralClassifier"/> or, as a student, by
/// <see cref="Distillation.DistilledStudent"/>). <see cref="Transform(DataBatch)"/> appends <c>Score</c> (class probabilities,
/// slot names = labels) and <c>PredictedLabel</c> (a key column named by the labels).
/// </summary>
/// <remarks>
/// Model file: model.json holds the component ("NeuralClassifier" or "DistilledStudent"), the training options, the
/// architecture under <c>Extra</c> (inputs, hidden, classes, dropout, batchNorm, featureColumn), the label map "labels",
/// the input/output schema and the metrics; weights.safetensors holds the network's state dict: the standardisation
/// buffers <c>mean</c>/<c>std</c>, <c>hidden{i}.linear.*</c>, optional <c>hidden{i}.norm.*</c> and <c>head.*</c>.
/// </remarks>
public sealed class NeuralClassifierModel : ITransformer
{
    /// <summary>Rows scored per forward pass inside <see cref="Transform(DataBatch)"/>.</summary>
    public const int ScoringChunk = 8192;

    internal NeuralClassifierModel(string component, MlpNetwork network, LabelMap labels, string featureColumn,
                                   IReadOnlyList<string>? featureSlots, double dropout, bool batchNorm, JsonObject options)
    {
        Component = component;
        Network = network;
        Labels = labels;
        FeatureColumnName = featureColumn;
        FeatureSlotNames = featureSlots;
        Dropout = dropout;
        BatchNorm = batchNorm;
        Options = options;
    }

    /// <summary>The component name written to the model file.</summary>
    public string Component { get; }

    /// <summary>The classes; key k of PredictedLabel and slot k of Score stand for Labels[k].</summary>
    public LabelMap Labels { get; }

    /// <summary>The feature vector column the model reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The names of the features the model was trained on, when the training data had them.</summary>
    public IReadOnlyList<string>? FeatureSlotNames { get; }

    /// <summary>The feature vector width.</summary>
    public int InputSize => Network.Inputs;

    /// <summary>Hidden layer widths.</summary>
    public IReadOnlyList<int> HiddenSizes => Network.HiddenSizes;

    /// <summary>The number of learned scalars.</summary>
    public long ParameterCount => Network.ParameterCount();

    /// <summary>Metrics stored with the model (validation accuracy, distillation figures, ...).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    internal MlpNetwork Network { get; }
    internal double Dropout { get; }
    internal bool BatchNorm { get; }
    internal JsonObject Options { get; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var f = inputSchema.Require(FeatureColumnName, ColumnKind.FloatVector);
        if (f.VectorSize != InputSize)
            throw new ArgumentException($"column '{FeatureColumnName}' has {f.VectorSize} values per row but the model expects {InputSize}");
        return new DataSchema(inputSchema.Concat(OutputColumns()));
    }

    private IEnumerable<ColumnSchema> OutputColumns() =>
    [
        new ColumnSchema("Score", ColumnKind.FloatVector, Labels.Count, Labels.Labels),
        new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: Labels.Labels),
    ];

    /// <inheritdoc />
    public DataBatch Transform(DataBatch input) => Transform(input, 0);

    /// <summary>Like <see cref="Transform(DataBatch)"/>; <paramref name="firstRow"/> offsets row numbers in error messages.</summary>
    /// <remarks>
    /// Per chunk of <see cref="ScoringChunk"/> rows: one copy of the features into a tensor, the forward pass and the
    /// softmax, one copy of the probabilities straight into the output column; the arg-max is taken on the host.
    /// </remarks>
    public DataBatch Transform(DataBatch input, long firstRow)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ClassifierData.RequireFeatures(input, FeatureColumnName, InputSize, FeatureSlotNames, firstRow);
        int n = input.RowCount, c = Labels.Count, d = InputSize;
        var scores = new float[(long)n * c];
        var predicted = new long[n];
        var device = Network.Device;
        using (torch.NoGrad())
        {
            Network.Eval();
            for (int start = 0; start < n; start += ScoringChunk)
            {
                int count = Math.Min(ScoringChunk, n - start);
                using var scope = torch.NewDisposeScope();
                var x = TensorConversions.FromHost(features.Values.Span.Slice(start * d, count * d), [count, d], device);
                var probs = Network.Forward(x).Softmax(1);
                if (probs.Device.Type != DeviceType.CPU) probs = probs.Cpu();
                probs.Contiguous().CopyTo(scores.AsSpan(start * c, count * c));
            }
        }
        ClassifierData.ArgMaxRows(scores, c, predicted);
        return input.Append(
            new FloatVectorColumn("Score", scores, c, Labels.Labels),
            new KeyColumn("PredictedLabel", predicted, Labels.Labels));
    }

    /// <inheritdoc />
    public void Save(string path)
    {
        var manifest = new ModelManifest(Component) { ParameterCount = ParameterCount, Options = (JsonObject)Options.DeepClone() };
        manifest.Extra["inputs"] = InputSize;
        manifest.Extra["hidden"] = new JsonArray(HiddenSizes.Select(h => (JsonNode)h).ToArray());
        manifest.Extra["classes"] = Labels.Count;
        manifest.Extra["dropout"] = Dropout;
        manifest.Extra["batchNorm"] = BatchNorm;
        manifest.Extra["featureColumn"] = FeatureColumnName;
        manifest.SetLabelMap(Labels);
        if (FeatureSlotNames != null) manifest.Maps["features"] = FeatureSlotNames.ToArray();
        manifest.InputSchema = new DataSchema([new ColumnSchema(FeatureColumnName, ColumnKind.FloatVector, InputSize, FeatureSlotNames)]);
        manifest.OutputSchema = new DataSchema(OutputColumns());
        foreach (var (k, v) in Metrics) manifest.Metrics[k] = v;
        ModelFile.Save(path, manifest, Network.StateDict());
    }

    /// <summary>Rebuilds a model from its file content (the loader registered for both components).</summary>
    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        var m = model.Manifest;
        int inputs = Required<int>(m.Extra, "inputs");
        var hidden = (m.Extra["hidden"] as JsonArray ?? throw new InvalidDataException("model.json has no Extra.hidden"))
            .Select(h => (int)h!).ToArray();
        int classes = Required<int>(m.Extra, "classes");
        double dropout = Required<double>(m.Extra, "dropout");
        bool batchNorm = Required<bool>(m.Extra, "batchNorm");
        string featureColumn = Required<string>(m.Extra, "featureColumn");
        var labels = m.GetLabelMap();
        if (labels.Count != classes) throw new InvalidDataException($"the label map has {labels.Count} labels but the network {classes} classes");
        IReadOnlyList<string>? slots = m.Maps.TryGetValue("features", out var s) ? s : null;
        var network = new MlpNetwork(inputs, hidden, classes, dropout, batchNorm);
        try
        {
            network.LoadStateDict(model.Weights, strict: true);
            network.To(context.ResolveDevice());
            network.Eval();
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var loaded = new NeuralClassifierModel(m.Component, network, labels, featureColumn, slots, dropout, batchNorm, (JsonObject)m.Options.DeepClone());
        foreach (var (k, v) in m.Metrics) loaded.Metrics[k] = v;
        return loaded;
    }

    private static T Required<T>(JsonObject extra, string name) =>
        extra[name] is { } node ? node.GetValue<T>() : throw new InvalidDataException($"model.json has no Extra.{name}");

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
