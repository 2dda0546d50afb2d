using System.Text.Json.Nodes;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// A meta-trained few-shot model: an encoder (and, for SimpleShot, the base-class mean embedding). It becomes a
/// classifier for new classes with <see cref="Adapt"/> and is measured with <see cref="Evaluate(DataBatch, int, int, int, int, bool, int)"/>; as a transformer it
/// appends the <c>Embedding</c> column.
/// Each row's embedding depends on that row only (the same alone, in any batch, after save and load): ProtoNet and
/// SimpleShot encoders normalise batch norm with the running statistics tracked in training; MAML, first-order MAML and
/// Reptile meta-models, which adapt with batch statistics, embed with the population statistics of a seeded sample of
/// up to <see cref="EmbeddingStatisticsRows"/> training rows under the final (best) meta-weights, fixed at the end of
/// training and saved in the zip. Adaptation and <see cref="Evaluate(DataBatch, int, int, int, int, bool, int)"/> do not
/// use them. A MAML/FOMAML/Reptile zip written before these statistics existed still loads, and its embedding is then
/// normalised with each scoring batch's own statistics (<see cref="EmbeddingDependsOnBatch"/> is true) until
/// <see cref="FixEmbeddingStatistics(DataBatch)"/> is given rows of the training data.
/// </summary>
public sealed class FewShotModel : ITransformer
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "FewShotClassifier";
    /// <summary>The embedding column <see cref="Transform"/> adds.</summary>
    public const string EmbeddingColumnName = "Embedding";

    /// <summary>The most training rows whose statistics fix a MAML/FOMAML/Reptile meta-model's embedding normalisation.</summary>
    public const int EmbeddingStatisticsRows = 1024;

    // Manifest key and values of the meta-model's embedding normalisation.
    private const string BatchNormKey = "batchNorm";
    private const string BatchNormTraining = "training";
    private const string BatchNormBatch = "batch";
    private const string BatchNormFixed = "fixed";

    private Tensor? _center;
    // Whether a gradient-based Conv-4 meta-model's buffers hold embedding statistics fixed from training rows.
    private bool _embeddingStatistics;

    internal FewShotModel(FewShotOptions options, bool image, int featureSize, FewShotEncoder encoder, Tensor? center, Device device)
    {
        Options = options;
        IsImage = image;
        FeatureSize = featureSize;
        Encoder = encoder;
        Device = device;
        _center = center?.Detach().DetachFromDisposeScope();
        if (encoder is Conv4Encoder conv) conv.BatchStatistics = FewShotMethods.IsGradientBased(options.Algorithm);
        Encoder.Eval();
    }

    /// <summary>The options the model was trained with (architecture and preprocessing included).</summary>
    public FewShotOptions Options { get; }
    /// <summary>Whether the model reads images (else feature vectors).</summary>
    public bool IsImage { get; }
    /// <summary>Feature-vector width (0 for images).</summary>
    public int FeatureSize { get; }
    /// <summary>The encoder.</summary>
    public FewShotEncoder Encoder { get; }
    /// <summary>The device the model runs on.</summary>
    public Device Device { get; }
    /// <summary>Metrics recorded at training time (e.g. best validation accuracy).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    internal void SetCenter(Tensor? center)
    {
        _center?.Dispose();
        _center = center?.Detach().DetachFromDisposeScope();
    }

    /// <summary>
    /// Whether <see cref="Transform"/> normalises each scoring batch with its own batch-norm statistics, so that a row's
    /// embedding depends on the rows that share its batch: only a MAML/FOMAML/Reptile Conv-4 model loaded from a zip
    /// written before embedding statistics were fixed at training time, until <see cref="FixEmbeddingStatistics(DataBatch)"/>.
    /// </summary>
    public bool EmbeddingDependsOnBatch => UsesBatchStatistics && !_embeddingStatistics;

    private bool UsesBatchStatistics => Encoder is Conv4Encoder && FewShotMethods.IsGradientBased(Options.Algorithm);

    /// <summary>
    /// Fixes the embedding normalisation of a MAML/FOMAML/Reptile Conv-4 model to the population statistics of
    /// <paramref name="rows"/> (the input column; at most <see cref="EmbeddingStatisticsRows"/> of them, a seeded sample
    /// beyond that) under the meta-weights, as training does with its own rows. Meant for models saved before training
    /// fixed them: give rows of the data the model was trained on. Other models already embed each row independently.
    /// </summary>
    public void FixEmbeddingStatistics(DataBatch rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!UsesBatchStatistics)
            throw new InvalidOperationException($"a {Options.Algorithm} model with a {(IsImage ? "Conv-4" : "MLP")} encoder already embeds each row independently; there are no statistics to fix");
        if (rows.RowCount == 0) throw new ArgumentException("no rows to compute the embedding statistics from: give rows of the training data");
        FewShotInput.Check(Options, IsImage, FeatureSize, rows.Schema);
        using var scope = torch.NewDisposeScope();
        var pick = Sample(rows.RowCount, Options.Seed ?? 1);
        FixEmbeddingStatistics(FewShotInput.LoadAll(Options, IsImage, pick is null ? rows : rows.Gather(pick), Device));
    }

    /// <summary>Fixes the embedding statistics from encoder input <paramref name="x"/> (all its rows).</summary>
    internal void FixEmbeddingStatistics(Tensor x)
    {
        if (!UsesBatchStatistics) return;
        using var scope = torch.NewDisposeScope();
        ((Conv4Encoder)Encoder).StoreStatistics(Encoder.PopulationStatistics(x, Math.Max(1, Options.ScoringBatchSize))!);
        _embeddingStatistics = true;
    }

    /// <summary>A seeded sample (sorted) of <see cref="EmbeddingStatisticsRows"/> of <paramref name="count"/> rows, or null to take them all.</summary>
    internal static int[]? Sample(int count, int seed)
    {
        if (count <= EmbeddingStatisticsRows) return null;
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order[..EmbeddingStatisticsRows].Order().ToArray();
    }

    /// <summary>Embeddings [R, D] of encoder input [R, ...], in chunks, without gradients; each row on its own unless <see cref="EmbeddingDependsOnBatch"/>.</summary>
    internal Tensor Embed(Tensor x)
    {
        using var noGrad = torch.NoGrad();
        Encoder.Eval();
        using var scope = torch.NewDisposeScope();
        var statistics = UsesBatchStatistics && _embeddingStatistics ? Encoder.BufferStatistics() : null;
        var parts = new List<Tensor>();
        for (long s = 0; s < x.Size(0); s += Options.ScoringBatchSize)
            parts.Add(Encoder.Forward(x.Narrow(0, s, Math.Min(Options.ScoringBatchSize, x.Size(0) - s)), null, statistics));
        return (parts.Count == 1 ? parts[0] : torch.Cat(parts)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The head (and, for gradient-based methods, the adapted encoder weights and the support's normalisation statistics
    /// under them) for support input <paramref name="xs"/> with labels <paramref name="y"/> in 0..<paramref name="ways"/>-1.
    /// </summary>
    internal (FewShotHead Head, IReadOnlyList<Tensor>? Weights, IReadOnlyList<Tensor>? Statistics) AdaptTensors(Tensor xs, Tensor y, int ways)
    {
        if (FewShotMethods.IsGradientBased(Options.Algorithm))
        {
            IReadOnlyList<Tensor> fast;
            using (torch.EnableGrad())
            {
                var start = FewShotMethods.StartWeights(Options, Encoder, xs, y, ways, Encoder.Parameters().ToList(), differentiableHead: false, Device);
                fast = FewShotMethods.Adapt(Encoder, xs, y, start, Options.EffectiveAdaptationSteps, Options.InnerLearningRate, createGraph: false)
                    .Select(t => t.Detach()).ToList();
            }
            using var noGrad = torch.NoGrad();
            int n = fast.Count - 2;
            var statistics = FewShotMethods.SupportStatistics(Encoder, xs, fast);
            return (new FewShotHead(FewShotHeadKind.Linear, fast[n], fast[n + 1], null), fast.Take(n).ToList(), statistics);
        }
        using (torch.NoGrad())
        {
            var emb = Embed(xs);
            var kind = FewShotHeadKind.Prototypes;
            if (Options.Algorithm == FewShotAlgorithm.SimpleShot)
            {
                emb = FewShotMethods.CentreNormalise(emb, _center!);
                kind = FewShotHeadKind.CentredPrototypes;
            }
            return (new FewShotHead(kind, FewShotMethods.ClassMeans(emb, y, ways), null, _center), null, null);
        }
    }

    /// <summary>
    /// A classifier for exactly the classes of <paramref name="support"/> (rows with the label column and the input
    /// column): prototypes for ProtoNet/SimpleShot, <see cref="FewShotOptions.AdaptationSteps"/> adaptation steps for MAML/Reptile.
    /// </summary>
    public FewShotClassifier Adapt(DataBatch support)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (support.RowCount == 0) throw new ArgumentException("the support set is empty: give at least one labelled example per class");
        FewShotInput.Check(Options, IsImage, FeatureSize, support.Schema);
        if (!support.Contains(Options.LabelColumnName)) throw new ArgumentException("support: " + support.Schema.MissingColumnMessage(Options.LabelColumnName));
        var labelColumn = support[Options.LabelColumnName];
        var classes = LabelMap.FromColumn(labelColumn);
        var keys = classes.ToKeys(labelColumn).Values.ToArray();
        var counts = new int[classes.Count];
        foreach (var k in keys) counts[k]++;
        for (int c = 0; c < counts.Length; c++)
            if (counts[c] == 0) throw new ArgumentException($"support class '{classes.Labels[c]}' has no examples (zero shots)");
        if (classes.Count < 2) throw new ArgumentException($"the support set has only one class ('{classes.Labels[0]}'); a classifier needs at least two");
        using var scope = torch.NewDisposeScope();
        var xs = FewShotInput.LoadAll(Options, IsImage, support, Device);
        var y = Tensor.From(keys).To(Device);
        var (head, weights, statistics) = AdaptTensors(xs, y, classes.Count);
        var encoder = CloneEncoder(weights, Options.TransductiveBatchNorm ? null : statistics);
        return new FewShotClassifier(Options, IsImage, FeatureSize, encoder, head, classes, Device);
    }

    private FewShotEncoder CloneEncoder(IReadOnlyList<Tensor>? weights, IReadOnlyList<Tensor>? statistics)
    {
        using var gen = new Generator(0);
        var copy = FewShotEncoder.Create(Options, IsImage, FeatureSize, gen);
        copy.LoadStateDict(Encoder.StateDict());
        copy.To(Device);
        if (weights != null)
        {
            using var noGrad = torch.NoGrad();
            foreach (var (p, w) in copy.Parameters().Zip(weights)) p.Copy_(w);
        }
        if (copy is Conv4Encoder conv) conv.BatchStatistics = FewShotMethods.IsGradientBased(Options.Algorithm);
        if (statistics != null) copy.FixNormStatistics(statistics);
        copy.Eval();
        return copy;
    }

    /// <summary>
    /// Mean accuracy and 95 % interval over <paramref name="episodes"/> seeded N-way K-shot Q-query episodes drawn from the
    /// labelled <paramref name="data"/> (classes from the label column; within one group when asked).
    /// </summary>
    public FewShotEvaluation Evaluate(DataBatch data, int ways, int shots, int queries, int episodes, bool withinGroup = false, int seed = 1) =>
        Evaluate(data, [(ways, shots)], queries, episodes, withinGroup, seed)[0];

    /// <summary>
    /// <see cref="Evaluate(DataBatch, int, int, int, int, bool, int)"/> for several (N, K) settings at once: the data is
    /// read and embedded once; each setting draws the same seeded episodes a separate call would.
    /// </summary>
    public IReadOnlyList<FewShotEvaluation> Evaluate(DataBatch data, IReadOnlyList<(int Ways, int Shots)> settings, int queries, int episodes,
        bool withinGroup = false, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Count == 0) throw new ArgumentException("no (ways, shots) setting to evaluate");
        if (episodes < 1) throw new ArgumentException($"episodes must be at least 1 (got {episodes})");
        foreach (var (ways, _) in settings)
            if (ways < 2) throw new ArgumentException($"ways must be at least 2 (got {ways})");
        FewShotInput.Check(Options, IsImage, FeatureSize, data.Schema);
        using var set = FewShotSet.From(Options, IsImage, data, Device);
        using var scope = torch.NewDisposeScope();
        var all = FewShotMethods.IsGradientBased(Options.Algorithm) ? null : Embed(set.X);
        return settings.Select(s => EvaluateSet(set, set.Sampler(s.Ways, s.Shots, queries, withinGroup, seed), episodes, all)).ToList();
    }

    /// <summary>Episodes over <paramref name="set"/>; <paramref name="embedded"/>: its rows already embedded (prototype methods), else null.</summary>
    internal FewShotEvaluation EvaluateSet(FewShotSet set, EpisodeSampler sampler, int episodes, Tensor? embedded = null)
    {
        var accuracies = new List<double>(episodes);
        using var scope = torch.NewDisposeScope();
        Tensor? all = FewShotMethods.IsGradientBased(Options.Algorithm) ? null : embedded ?? Embed(set.X);
        for (int e = 0; e < episodes; e++)
        {
            using var episodeScope = torch.NewDisposeScope();
            var ep = sampler.Next();
            var ys = FewShotMethods.EpisodeLabels(sampler.Ways, sampler.Shots, Device);
            var yq = FewShotMethods.EpisodeLabels(sampler.Ways, sampler.Queries, Device);
            Tensor logits;
            if (all is null)
            {
                var (head, weights, statistics) = AdaptTensors(set.Rows(ep.Support), ys, sampler.Ways);
                using (head)
                using (torch.NoGrad())
                    logits = head.Logits(Encoder.Forward(set.Rows(ep.Query), weights, Options.TransductiveBatchNorm ? null : statistics), Options);
            }
            else
            {
                using var noGrad = torch.NoGrad();
                var index = (int[] rows) => Tensor.From(rows.Select(r => (long)r).ToArray()).To(Device);
                var es = all.IndexSelect(0, index(ep.Support));
                var eq = all.IndexSelect(0, index(ep.Query));
                if (Options.Algorithm == FewShotAlgorithm.SimpleShot)
                {
                    es = FewShotMethods.CentreNormalise(es, _center!);
                    eq = FewShotMethods.CentreNormalise(eq, _center!);
                    logits = FewShotMethods.NegSquaredDistance(eq, FewShotMethods.Prototypes(es, sampler.Ways));
                }
                else logits = FewShotMethods.ProtoLogits(eq, FewShotMethods.Prototypes(es, sampler.Ways), Options.Distance, Options.CosineScale);
            }
            accuracies.Add(logits.Argmax(1).Eq(yq).Float().Mean().Item<float>());
        }
        return FewShotEvaluation.From(accuracies, sampler.Ways, sampler.Shots, sampler.Queries, sampler.WithinGroup);
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        FewShotInput.Check(Options, IsImage, FeatureSize, inputSchema);
        return new DataSchema(inputSchema.Append(new ColumnSchema(EmbeddingColumnName, ColumnKind.FloatVector, Encoder.EmbeddingSize)));
    }

    /// <inheritdoc />
    public DataBatch Transform(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (int s = 0; s < input.RowCount; s += Options.ScoringBatchSize)
        {
            int n = Math.Min(Options.ScoringBatchSize, input.RowCount - s);
            parts.Add(Embed(FewShotInput.Load(Options, IsImage, input, s, n, Device)));
        }
        var emb = parts.Count == 0 ? torch.Zeros([0, Encoder.EmbeddingSize]) : torch.Cat(parts);
        return input.Append(FloatVectorColumn.FromTensor(EmbeddingColumnName, emb.Cpu()));
    }

    /// <inheritdoc />
    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName) { ParameterCount = Encoder.ParameterCount() };
        WriteCommon(manifest, Options, IsImage, FeatureSize);
        foreach (var kv in Metrics) manifest.Metrics[kv.Key] = kv.Value;
        manifest.Extra[BatchNormKey] = !UsesBatchStatistics ? BatchNormFixed : _embeddingStatistics ? BatchNormTraining : BatchNormBatch;
        var weights = Encoder.StateDict().ToDictionary(kv => "encoder." + kv.Key, kv => kv.Value);
        if (_center != null) weights["center"] = _center;
        ModelFile.Save(path, manifest, weights);
    }

    internal static void WriteCommon(ModelManifest manifest, FewShotOptions options, bool image, int featureSize)
    {
        manifest.SetOptions(options);
        manifest.Extra["input"] = image ? "image" : "features";
        manifest.Extra["featureSize"] = featureSize;
        manifest.InputSchema = new DataSchema([image
            ? new ColumnSchema(options.ImageColumnName, ColumnKind.ImagePath)
            : new ColumnSchema(options.FeatureColumnName, ColumnKind.FloatVector, featureSize)]);
    }

    internal static (FewShotOptions Options, bool Image, int FeatureSize, FewShotEncoder Encoder) ReadCommon(LoadedModel model, Device device)
    {
        var m = model.Manifest;
        var options = m.GetOptions<FewShotOptions>();
        var input = (string?)m.Extra["input"] ?? throw new InvalidDataException("the model does not say whether it reads images or features");
        bool image = input switch { "image" => true, "features" => false, _ => throw new InvalidDataException($"unknown input kind '{input}'") };
        int featureSize = (int?)m.Extra["featureSize"] ?? 0;
        using var gen = new Generator(0);
        var encoder = FewShotEncoder.Create(options, image, featureSize, gen);
        var state = model.Weights.Where(kv => kv.Key.StartsWith("encoder.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["encoder.".Length..], kv => kv.Value);
        encoder.LoadStateDict(state);
        encoder.To(device);
        return (options, image, featureSize, encoder);
    }

    /// <summary>Loads a model written by <see cref="Save"/> (registered with <see cref="ModelComponentRegistry"/>).</summary>
    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var device = context.ResolveDevice();
        var (options, image, featureSize, encoder) = ReadCommon(model, device);
        Tensor? center = model.Weights.TryGetValue("center", out var c) ? c.To(device) : null;
        var result = new FewShotModel(options, image, featureSize, encoder, center, device);
        var batchNorm = (string?)model.Manifest.Extra[BatchNormKey];
        switch (batchNorm)
        {
            case BatchNormTraining:
                result._embeddingStatistics = result.UsesBatchStatistics;
                break;
            case BatchNormBatch:
            case BatchNormFixed:
            case null: // written before the embedding statistics existed: MAML-style models embedded with batch statistics
                break;
            default:
                throw new InvalidDataException($"unknown batch-norm mode '{batchNorm}' in the model (known: {BatchNormTraining}, {BatchNormBatch}, {BatchNormFixed})");
        }
        foreach (var kv in model.Manifest.Metrics) result.Metrics[kv.Key] = kv.Value;
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Encoder.Dispose();
        _center?.Dispose();
    }
}
