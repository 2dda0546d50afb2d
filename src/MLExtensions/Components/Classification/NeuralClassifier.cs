using System.Text.Json.Nodes;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Training;

namespace MLExtensions.Components.Classification;

/// <summary>
/// Trains an MLP classifier (feature vector -> class): input standardisation learned at fit, hidden layers with
/// dropout and optional batch norm, AdamW, early stopping on the accuracy of a validation split. It is the usual
/// teacher of <see cref="Distillation.DistilledStudent"/>, and a baseline.
/// </summary>
public sealed class NeuralClassifier : IEstimator<NeuralClassifierModel>
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "NeuralClassifier";

    /// <summary>The current layout version of the model file.</summary>
    public const int ComponentVersion = 1;

    private readonly MLExtContext _context;

    /// <summary>Creates the trainer (see also <see cref="ClassificationCatalog.NeuralClassifier"/>).</summary>
    public NeuralClassifier(MLExtContext context, NeuralClassifierOptions? options = null)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? new NeuralClassifierOptions();
    }

    /// <summary>The options; read when <see cref="Fit(DataBatch)"/> starts.</summary>
    public NeuralClassifierOptions Options { get; }

    /// <summary>Receives progress (epoch, loss, validation accuracy, ETA) during <see cref="Fit(DataBatch)"/>.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>The outcome of the last <see cref="Fit(DataBatch)"/> (epochs run, best epoch, ...).</summary>
    public TrainingResult? LastTraining { get; private set; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(Options.FeatureColumnName, ColumnKind.FloatVector);
        var label = inputSchema.Require(Options.LabelColumnName);
        return new DataSchema(inputSchema.Concat([
            new ColumnSchema("Score", ColumnKind.FloatVector, label.KeyNames?.Count ?? 0, label.KeyNames),
            new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: label.KeyNames),
        ]));
    }

    /// <inheritdoc />
    public NeuralClassifierModel Fit(DataBatch input) => Fit(input, CancellationToken.None);

    /// <summary>Trains on <paramref name="input"/> (every row needs a label and finite features).</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, a label is missing, a feature is NaN.</exception>
    public NeuralClassifierModel Fit(DataBatch input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        o.Validate();
        var features = ClassifierData.RequireFeatures(input, o.FeatureColumnName);
        var labelColumn = input[o.LabelColumnName];
        var labels = ClassifierData.LabelsOf(labelColumn);
        if (labels.Count < 2) throw new ArgumentException($"column '{o.LabelColumnName}' has {labels.Count} class(es); a classifier needs at least 2");
        var keys = ClassifierData.ReadKeys(labelColumn, labels, allowMissing: false);
        int seed = o.Seed ?? _context.NextSeed();
        var device = _context.ResolveDevice();
        var (trainRows, validRows) = MlpFitter.Split(Enumerable.Range(0, input.RowCount).ToArray(), o.ValidationFraction, seed);

        using var x = Gather(features, trainRows, device);
        using var y = GatherKeys(keys, trainRows, device);
        using var xValid = validRows.Length > 0 ? Gather(features, validRows, device) : null;
        using var yValid = validRows.Length > 0 ? GatherKeys(keys, validRows, device) : null;

        torch.ManualSeed(unchecked((ulong)seed));
        var network = new MlpNetwork(features.Size, o.HiddenSizes, labels.Count, o.Dropout, o.BatchNorm);
        try
        {
            using (torch.NewDisposeScope()) network.SetStandardization(x.Mean(0), x.Std(0, unbiased: false));
            network.To(device);
            var settings = new MlpFitter.Settings(o.Epochs, o.BatchSize, o.LearningRate, o.WeightDecay, o.EarlyStoppingPatience, seed);
            LastTraining = MlpFitter.Run(network, [], x.Size(0),
                rows => Functional.CrossEntropy(network.Forward(x.IndexSelect(0, rows)), y.IndexSelect(0, rows)),
                xValid is null ? null : () => MlpFitter.Accuracy(network.Forward, xValid, yValid!),
                settings, Progress, _context, cancellationToken);
            network.Eval();
            var model = new NeuralClassifierModel(ComponentName, network, labels, o.FeatureColumnName, features.SlotNames,
                                                  o.Dropout, o.BatchNorm, SerializeOptions(o));
            if (LastTraining.BestMetric is double best) model.Metrics["val_accuracy"] = best;
            else if (xValid != null) model.Metrics["val_accuracy"] = MlpFitter.Accuracy(network.Forward, xValid, yValid!);
            model.Metrics["epochs"] = LastTraining.Epochs;
            model.Metrics["train_rows"] = trainRows.Length;
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    internal static JsonObject SerializeOptions<T>(T options)
    {
        var manifest = new ModelManifest("options");
        manifest.SetOptions(options);
        return manifest.Options;
    }

    /// <summary>The rows <paramref name="rows"/> of a feature column as a detached [R, D] tensor on <paramref name="device"/>.</summary>
    internal static Tensor Gather(FloatVectorColumn features, IReadOnlyList<int> rows, Device device)
    {
        var values = new float[(long)rows.Count * features.Size];
        var span = features.Values.Span;
        for (int i = 0; i < rows.Count; i++)
            span.Slice(rows[i] * features.Size, features.Size).CopyTo(values.AsSpan(i * features.Size, features.Size));
        using var scope = torch.NewDisposeScope();
        return Tensor.From(values, rows.Count, features.Size).To(device).DetachFromDisposeScope();
    }

    internal static Tensor GatherKeys(long[] keys, IReadOnlyList<int> rows, Device device)
    {
        using var scope = torch.NewDisposeScope();
        return Tensor.From(rows.Select(r => keys[r]).ToArray(), rows.Count).To(device).DetachFromDisposeScope();
    }
}
