using System.Text.Json.Nodes;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// A few-shot model adapted to one support set: it classifies rows into exactly the support's classes. Transform
/// appends <c>Score</c> (class probabilities, slot names = class names) and <c>PredictedLabel</c>; it saves and loads
/// like any model (encoder, preprocessing and the support-derived head in one zip).
/// Every row is scored on its own: the same row gets the same scores alone, in any batch and in any order. Classifiers
/// adapted from MAML, first-order MAML or Reptile models normalise the Conv-4 encoder's batch norm with the support
/// set's statistics under the adapted weights, fixed at the end of adaptation and saved in the zip; ProtoNet and
/// SimpleShot classifiers use the statistics fixed at training time. Only with
/// <see cref="FewShotOptions.TransductiveBatchNorm"/> set when adapting (the published MAML protocol, kept for
/// comparison) is each scoring batch (<see cref="FewShotOptions.ScoringBatchSize"/> rows) normalised with its own
/// statistics, so that a prediction depends on the other rows of the batch; classifiers saved before the support
/// statistics existed load in that mode too (adapt them again to score rows independently).
/// </summary>
public sealed class FewShotClassifier : ITransformer
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "FewShotClassifier.Adapted";

    private const string BatchNormSupport = "support";
    private const string BatchNormTransductive = "batch";
    private const string BatchNormFixed = "fixed";

    private readonly FewShotHead _head;

    internal FewShotClassifier(FewShotOptions options, bool image, int featureSize, FewShotEncoder encoder, FewShotHead head, LabelMap classes, Device device)
    {
        Options = options;
        IsImage = image;
        FeatureSize = featureSize;
        Encoder = encoder;
        _head = head;
        Classes = classes;
        Device = device;
        Encoder.Eval();
    }

    /// <summary>The options of the model this classifier was adapted from.</summary>
    public FewShotOptions Options { get; }
    /// <summary>Whether it reads images (else feature vectors).</summary>
    public bool IsImage { get; }
    /// <summary>Feature-vector width (0 for images).</summary>
    public int FeatureSize { get; }
    /// <summary>The (possibly adapted) encoder.</summary>
    public FewShotEncoder Encoder { get; }
    /// <summary>The support's classes (index = score slot).</summary>
    public LabelMap Classes { get; }
    /// <summary>How embeddings become scores.</summary>
    public FewShotHeadKind HeadKind => _head.Kind;
    /// <summary>The device it runs on.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        FewShotInput.Check(Options, IsImage, FeatureSize, inputSchema);
        return new DataSchema(inputSchema
            .Append(new ColumnSchema("Score", ColumnKind.FloatVector, Classes.Count, Classes.Labels))
            .Append(new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: Classes.Labels)));
    }

    /// <summary>Class probabilities [R, C] of rows [start, start+count).</summary>
    internal Tensor Probabilities(DataBatch input, int start, int count)
    {
        using var noGrad = torch.NoGrad();
        var x = FewShotInput.Load(Options, IsImage, input, start, count, Device);
        return _head.Logits(Encoder.Forward(x), Options).Softmax(1);
    }

    /// <inheritdoc />
    public DataBatch Transform(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (int s = 0; s < input.RowCount; s += Options.ScoringBatchSize)
            parts.Add(Probabilities(input, s, Math.Min(Options.ScoringBatchSize, input.RowCount - s)));
        var probs = (parts.Count == 0 ? torch.Zeros([0, Classes.Count]) : torch.Cat(parts)).Cpu();
        return input
            .Append(FloatVectorColumn.FromTensor("Score", probs, Classes.Labels))
            .Append(KeyColumn.FromTensor("PredictedLabel", probs.Argmax(1), Classes.Labels));
    }

    /// <summary>
    /// The share of labelled <paramref name="query"/> rows predicted correctly; a label that is not one of the support's
    /// classes is an error naming it.
    /// </summary>
    public double Accuracy(DataBatch query)
    {
        if (!query.Contains(Options.LabelColumnName)) throw new ArgumentException("query: " + query.Schema.MissingColumnMessage(Options.LabelColumnName));
        var truth = Classes.ToKeys(query[Options.LabelColumnName]).Values.Span;
        var predicted = Transform(query).GetColumn<KeyColumn>("PredictedLabel").Values.Span;
        int correct = 0;
        for (int i = 0; i < truth.Length; i++) if (truth[i] == predicted[i]) correct++;
        return truth.Length == 0 ? double.NaN : (double)correct / truth.Length;
    }

    /// <inheritdoc />
    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName) { ParameterCount = Encoder.ParameterCount() + _head.Weight.NumEl };
        FewShotModel.WriteCommon(manifest, Options, IsImage, FeatureSize);
        manifest.Extra["head"] = _head.Kind.ToString();
        manifest.Extra["batchNorm"] = Encoder switch
        {
            Conv4Encoder { FixedStatistics: true } => BatchNormSupport,
            Conv4Encoder { BatchStatistics: true } => BatchNormTransductive,
            _ => BatchNormFixed,
        };
        manifest.SetLabelMap(Classes);
        manifest.OutputSchema = new DataSchema([
            new ColumnSchema("Score", ColumnKind.FloatVector, Classes.Count, Classes.Labels),
            new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: Classes.Labels)]);
        var weights = Encoder.StateDict().ToDictionary(kv => "encoder." + kv.Key, kv => kv.Value);
        foreach (var kv in _head.Tensors()) weights[kv.Key] = kv.Value;
        ModelFile.Save(path, manifest, weights);
    }

    /// <summary>Loads a classifier written by <see cref="Save"/>.</summary>
    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var device = context.ResolveDevice();
        var (options, image, featureSize, encoder) = FewShotModel.ReadCommon(model, device);
        var batchNorm = (string?)model.Manifest.Extra["batchNorm"];
        if (encoder is Conv4Encoder conv)
        {
            switch (batchNorm)
            {
                case BatchNormSupport:
                    conv.UseBufferStatistics();
                    break;
                case BatchNormTransductive:
                case null: // written before support statistics were kept: gradient-based classifiers used batch statistics
                    conv.BatchStatistics = FewShotMethods.IsGradientBased(options.Algorithm);
                    break;
                case BatchNormFixed:
                    break;
                default:
                    throw new InvalidDataException($"unknown batch-norm mode '{batchNorm}' in the classifier (known: {BatchNormSupport}, {BatchNormTransductive}, {BatchNormFixed})");
            }
        }
        var kindName = (string?)model.Manifest.Extra["head"] ?? throw new InvalidDataException("the classifier has no head kind");
        if (!Enum.TryParse<FewShotHeadKind>(kindName, out var kind)) throw new InvalidDataException($"unknown head kind '{kindName}'");
        Tensor? Get(string name) => model.Weights.TryGetValue(name, out var t) ? t.To(device) : null;
        var head = new FewShotHead(kind, Get("head.weight") ?? throw new KeyNotFoundException("head.weight is missing"), Get("head.bias"), Get("head.center"));
        var classes = model.Manifest.GetLabelMap();
        if (head.Weight.Size(0) != classes.Count) throw new InvalidDataException($"the head has {head.Weight.Size(0)} rows for {classes.Count} classes");
        return new FewShotClassifier(options, image, featureSize, encoder, head, classes, device);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        _head.Dispose();
    }
}
