using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A fitted cross-modal encoder: images and captions in one L2-normalised embedding space. <see cref="Transform"/> adds
/// <c>ImageEmbedding</c> when the image column is present, <c>TextEmbedding</c> when the caption column is present, and
/// <c>MatchScore</c> when both are: the cosine of the two embeddings in [-1, 1], or, for a model trained with the fusion
/// head, the head's probability in [0, 1] that the caption describes the image. Indexes (<see cref="IndexImages"/>,
/// <see cref="IndexTexts"/>) answer top-k retrieval; <c>CreateZeroShotClassifier</c> turns class names, or several
/// descriptions per class, into a classifier through prompt templates.
/// </summary>
/// <remarks>
/// Model file: component "CrossModalEncoder" version 1; model.json holds the options (architecture included), the
/// tokenizer's vocabulary and merges (maps "tokenizer.vocab" and "tokenizer.merges"); weights.safetensors holds
/// <c>image.*</c>, <c>text.*</c>, <c>logit_scale</c> and, with the re-ranker, <c>fusion.*</c>. A file whose head was
/// written by an earlier build (a single cross-attention block) does not load: its fusion weights do not match.
/// </remarks>
public sealed class CrossModalEncoderModel : ITransformer
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "CrossModalEncoder";

    /// <summary>The component version this build writes.</summary>
    public const int ComponentVersion = 1;

    /// <summary>The output column names.</summary>
    public const string ImageEmbeddingColumn = "ImageEmbedding", TextEmbeddingColumn = "TextEmbedding", MatchScoreColumn = "MatchScore";

    private const string VocabMap = "tokenizer.vocab", MergesMap = "tokenizer.merges";

    internal CrossModalEncoderModel(CrossModalEncoderOptions options, BpeTokenizer tokenizer, CrossModalNetwork network, Device device)
    {
        Options = options;
        Tokenizer = tokenizer;
        Network = network;
        Device = device;
        Network.Eval();
    }

    /// <summary>The options the model was trained with.</summary>
    public CrossModalEncoderOptions Options { get; }

    /// <summary>The tokenizer learned from the training captions.</summary>
    public BpeTokenizer Tokenizer { get; }

    internal CrossModalNetwork Network { get; }

    /// <summary>Where the model computes.</summary>
    public Device Device { get; }

    /// <summary>The size of the embeddings.</summary>
    public int EmbeddingDim => Options.EmbeddingDim;

    /// <summary>The learned temperature (1 / logit scale).</summary>
    public double Temperature
    {
        get { using var s = ContrastiveLoss.Scale(Network.LogitScale); return 1.0 / s.Item<float>(); }
    }

    /// <summary>Metrics saved with the model (validation recall, ...).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Images per forward pass when embedding (default 128).</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>L2-normalised embeddings [N, dim] (CPU, float32) of the image files; the caller owns the tensor.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is not an image.</exception>
    public Tensor EmbedImages(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return EmbedInBatches(paths.Count, (start, count) =>
        {
            using var pixels = ImageInputs.Decode(paths.Skip(start).Take(count).ToArray(), Options.ImageSize, start);
            using var input = ImageInputs.ToInput(pixels, Device);
            return Network.EncodeImages(input);
        });
    }

    /// <summary>L2-normalised embeddings [N, dim] (CPU, float32) of the texts; the caller owns the tensor.</summary>
    /// <exception cref="ArgumentException">A text is empty.</exception>
    public Tensor EmbedTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EmbedInBatches(texts.Count, (start, count) =>
        {
            using var ids = CaptionInputs.Encode(Tokenizer, texts.Skip(start).Take(count).ToArray(), Device, out _, start);
            return Network.EncodeTexts(ids);
        });
    }

    /// <summary>
    /// Image embeddings as <see cref="EmbedImages(IReadOnlyList{string})"/> and, for a model with a fusion head, the image
    /// tokens of the same forward pass (null otherwise), so that re-ranking does not decode the images again.
    /// </summary>
    internal Tensor EmbedImages(IReadOnlyList<string> paths, out FusionFeatures? features)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (!HasFusion)
        {
            features = null;
            return EmbedImages(paths);
        }
        var embeddings = EmbedWithFeatures(paths.Count, (start, count) =>
        {
            using var pixels = ImageInputs.Decode(paths.Skip(start).Take(count).ToArray(), Options.ImageSize, start);
            using var input = ImageInputs.ToInput(pixels, Device);
            var (e, t) = Network.EncodeImagesWithTokens(input);
            return (e, t, null);
        }, out var f);
        features = f;
        return embeddings;
    }

    /// <summary>Text embeddings and, for a model with a fusion head, the text tokens and ids (null otherwise).</summary>
    internal Tensor EmbedTexts(IReadOnlyList<string> texts, out FusionFeatures? features)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (!HasFusion)
        {
            features = null;
            return EmbedTexts(texts);
        }
        // Each batch is encoded as EmbedTexts does (same embeddings); tokens and ids are then padded to MaxTokens so that
        // the blocks of the batches stack.
        var embeddings = EmbedWithFeatures(texts.Count, (start, count) =>
        {
            var ids = CaptionInputs.Encode(Tokenizer, texts.Skip(start).Take(count).ToArray(), Device, out _, start);
            var (e, t) = Network.EncodeTextsWithTokens(ids);
            long missing = Options.MaxTokens - ids.Size(1);
            if (missing > 0)
            {
                t = torch.Cat([t, torch.Zeros([count, missing, t.Size(2)], t.DType, t.Device)], 1);
                ids = torch.Cat([ids, torch.Zeros([count, missing], ids.DType, ids.Device)], 1);
            }
            return (e, t, ids);
        }, out var f);
        features = f;
        return embeddings;
    }

    // Embeddings in batches (as EmbedInBatches) and each batch's fusion inputs, stacked on the CPU.
    private Tensor EmbedWithFeatures(int rows, Func<int, int, (Tensor Embedding, Tensor Tokens, Tensor? Ids)> embed, out FusionFeatures features)
    {
        var tokens = new List<Tensor>();
        var ids = new List<Tensor>();
        try
        {
            var embeddings = EmbedInBatches(rows, (start, count) =>
            {
                var (e, t, i) = embed(start, count);
                tokens.Add(t.Cpu().DetachFromDisposeScope());
                if (i is not null) ids.Add(i.Cpu().DetachFromDisposeScope());
                return e;
            });
            using var scope = torch.NewDisposeScope();
            features = tokens.Count == 0
                ? new FusionFeatures(torch.Zeros([0, 1, 1]), torch.Zeros([0, 1], ScalarType.Int64))
                : new FusionFeatures(torch.Cat(tokens, 0), ids.Count == 0 ? null : torch.Cat(ids, 0));
            return embeddings;
        }
        finally
        {
            foreach (var t in tokens.Concat(ids)) t.Dispose();
        }
    }

    internal Tensor EmbedInBatches(int rows, Func<int, int, Tensor> embed, int? width = null)
    {
        if (rows == 0) return torch.Zeros([0, width ?? EmbeddingDim]);
        var parts = new List<Tensor>();
        try
        {
            using var noGrad = torch.NoGrad();
            Network.Eval();
            for (int start = 0; start < rows; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var e = embed(start, Math.Min(BatchSize, rows - start));
                parts.Add(e.Cpu().DetachFromDisposeScope());
            }
            return torch.Cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Whether the model has the fusion (image-text matching) head that re-ranks candidates.</summary>
    public bool HasFusion => Network.Fusion is not null;

    /// <summary>
    /// The weight of the fusion head's match logit when re-ranking: a candidate's score becomes
    /// scale · cosine + weight · logit (scale = 1 / <see cref="Temperature"/>). Training with the fusion head picks it
    /// on the validation pairs among a few values, 0 (the embedding order) included, so re-ranking does not
    /// undo what the embeddings get right; saved with the model as the metric "rerank_match_weight" (default 1).
    /// </summary>
    public double RerankMatchWeight
    {
        get => Metrics.TryGetValue(RerankMatchWeightMetric, out var w) ? w : 1.0;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "the match weight must be a finite number ≥ 0");
            Metrics[RerankMatchWeightMetric] = value;
        }
    }

    internal const string RerankMatchWeightMetric = "rerank_match_weight";

    private FusionHead RequireFusion() =>
        Network.Fusion ?? throw new InvalidOperationException("this model has no fusion head; train it with Fusion = true to re-rank");

    /// <summary>
    /// The fusion head's probability that caption i describes image i, for each i ([N], CPU); requires <see cref="HasFusion"/>.
    /// </summary>
    public Tensor MatchProbabilities(IReadOnlyList<string> imagePaths, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ArgumentNullException.ThrowIfNull(texts);
        RequireFusion();
        if (imagePaths.Count != texts.Count) throw new ArgumentException($"{imagePaths.Count} images but {texts.Count} texts");
        using var scope = torch.NewDisposeScope();
        EmbedImages(imagePaths, out var images);
        EmbedTexts(texts, out var captions);
        using (images) using (captions) return MatchProbabilities(images!, captions!);
    }

    private Tensor MatchProbabilities(FusionFeatures images, FusionFeatures texts)
    {
        var rows = Enumerable.Range(0, (int)images.Count).Select(i => (long)i).ToArray();
        var logits = Network.MatchLogits(images, texts, rows, rows, BatchSize, Device);
        using var t = Tensor.From(logits, logits.Length);
        return t.Sigmoid().DetachFromDisposeScope();
    }

    /// <summary>
    /// Re-orders image hits for <paramref name="text"/> by scale · cosine + <see cref="RerankMatchWeight"/> · match logit
    /// (the hits' scores become that value). With the <paramref name="index"/> the hits came from (built by
    /// <see cref="IndexImages"/>), the image tokens it keeps are used; without it the hits' keys are read as image paths.
    /// </summary>
    public RetrievalHit[] RerankImages(string text, IReadOnlyList<RetrievalHit> hits, RetrievalIndex? index = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(hits);
        RequireFusion();
        using var scope = torch.NewDisposeScope();
        EmbedTexts([text], out var query);
        using (query)
        {
            if (index?.Features is { } cached)
                return Rescore(hits, cached, query!, hits.Select(h => (long)h.Index).ToArray(), new long[hits.Count]);
            EmbedImages(hits.Select(h => h.Key).ToArray(), out var images);
            using (images) return Rescore(hits, images!, query!, Enumerable.Range(0, hits.Count).Select(i => (long)i).ToArray(), new long[hits.Count]);
        }
    }

    /// <summary>
    /// Re-orders caption hits for the image at <paramref name="imagePath"/> as <see cref="RerankImages"/> does; with the
    /// <paramref name="index"/> of the hits (built by <see cref="IndexTexts"/>) its text tokens are used, otherwise the
    /// hits' keys are read as the captions.
    /// </summary>
    public RetrievalHit[] RerankTexts(string imagePath, IReadOnlyList<RetrievalHit> hits, RetrievalIndex? index = null)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        ArgumentNullException.ThrowIfNull(hits);
        RequireFusion();
        using var scope = torch.NewDisposeScope();
        EmbedImages([imagePath], out var query);
        using (query)
        {
            if (index?.Features is { } cached)
                return Rescore(hits, query!, cached, new long[hits.Count], hits.Select(h => (long)h.Index).ToArray());
            EmbedTexts(hits.Select(h => h.Key).ToArray(), out var texts);
            using (texts) return Rescore(hits, query!, texts!, new long[hits.Count], Enumerable.Range(0, hits.Count).Select(i => (long)i).ToArray());
        }
    }

    private RetrievalHit[] Rescore(IReadOnlyList<RetrievalHit> hits, FusionFeatures images, FusionFeatures texts, long[] imageRows, long[] textRows)
    {
        var logits = Network.MatchLogits(images, texts, imageRows, textRows, BatchSize, Device);
        double scale = 1.0 / Temperature, weight = RerankMatchWeight;
        return hits.Select((h, i) => h with { Score = (float)(scale * h.Score + weight * logits[i]) })
            .OrderByDescending(h => h.Score).ToArray();
    }

    /// <summary>
    /// An index of images for text→image (or image→image) search. For a model with a fusion head the index also keeps
    /// each image's tokens for <see cref="RerankImages"/> (P x W floats per image, e.g. 16 x 64 for the CNN at 32 px).
    /// </summary>
    public RetrievalIndex IndexImages(IReadOnlyList<string> paths, IReadOnlyList<string>? keys = null)
    {
        using var scope = torch.NewDisposeScope();
        var e = EmbedImages(paths, out var features);
        return new RetrievalIndex(e, keys ?? paths) { Features = features };
    }

    /// <summary>An index of texts for image→text (or text→text) search; with a fusion head it keeps the text tokens for <see cref="RerankTexts"/>.</summary>
    public RetrievalIndex IndexTexts(IReadOnlyList<string> texts, IReadOnlyList<string>? keys = null)
    {
        using var scope = torch.NewDisposeScope();
        var e = EmbedTexts(texts, out var features);
        return new RetrievalIndex(e, keys ?? texts) { Features = features };
    }

    /// <summary>
    /// A zero-shot classifier: each class name goes through every template ("{0}" stands for the name), the text
    /// embeddings are averaged and normalised; an image's class is the one with the largest cosine.
    /// </summary>
    /// <param name="classNames">The class names.</param>
    /// <param name="templates">Prompt templates (default <see cref="ZeroShotClassifier.DefaultTemplates"/>).</param>
    /// <param name="nameParts">Also put the parts of compound names through the templates (<see cref="ZeroShotClassifier.NameVariants"/>).</param>
    public ZeroShotClassifier CreateZeroShotClassifier(IReadOnlyList<string> classNames, IReadOnlyList<string>? templates = null, bool nameParts = false)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        return CreateZeroShotClassifier(classNames.Select(ZeroShotClass.FromName).ToArray(), templates, nameParts);
    }

    /// <summary>
    /// A zero-shot classifier from class descriptions: each description of a class goes through every template, its
    /// text embeddings are averaged and normalised into a description vector, and the class score combines the cosines
    /// with its description vectors as <paramref name="aggregation"/> says (a class described by its subclasses' names
    /// with <see cref="ZeroShotAggregation.Sum"/> is hierarchical classification).
    /// </summary>
    /// <param name="classes">The classes and their descriptions (at least one each).</param>
    /// <param name="templates">Prompt templates (default <see cref="ZeroShotClassifier.DefaultTemplates"/>).</param>
    /// <param name="nameParts">Also put the parts of compound descriptions through the templates, averaged into the description's vector.</param>
    /// <param name="aggregation">How a class's descriptions combine (default: the mean vector).</param>
    /// <exception cref="ArgumentException">No class, a class without a description, an empty description, a label given twice, or a template without "{0}".</exception>
    public ZeroShotClassifier CreateZeroShotClassifier(IReadOnlyList<ZeroShotClass> classes, IReadOnlyList<string>? templates = null, bool nameParts = false,
        ZeroShotAggregation aggregation = ZeroShotAggregation.Mean) =>
        ZeroShotClassifier.Create(this, classes, templates ?? ZeroShotClassifier.DefaultTemplates, nameParts, aggregation);

    /// <inheritdoc/>
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        bool hasImage = inputSchema.Contains(Options.ImageColumnName), hasText = inputSchema.Contains(Options.TextColumnName);
        if (!hasImage && !hasText)
            throw new ArgumentException($"the input has neither the image column '{Options.ImageColumnName}' nor the text column '{Options.TextColumnName}'; columns: {inputSchema}");
        var columns = inputSchema.ToList();
        if (hasImage)
        {
            inputSchema.Require(Options.ImageColumnName, ColumnKind.ImagePath, ColumnKind.Text);
            columns.Add(new ColumnSchema(ImageEmbeddingColumn, ColumnKind.FloatVector, EmbeddingDim));
        }
        if (hasText)
        {
            inputSchema.Require(Options.TextColumnName, ColumnKind.Text);
            columns.Add(new ColumnSchema(TextEmbeddingColumn, ColumnKind.FloatVector, EmbeddingDim));
        }
        if (hasImage && hasText) columns.Add(new ColumnSchema(MatchScoreColumn, ColumnKind.Float));
        return new DataSchema(columns);
    }

    /// <inheritdoc/>
    public DataBatch Transform(DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        using var scope = torch.NewDisposeScope();
        Tensor? images = null, texts = null;
        FusionFeatures? imageFeatures = null, textFeatures = null;
        bool match = HasFusion && input.Contains(Options.ImageColumnName) && input.Contains(Options.TextColumnName);
        try
        {
            var output = input;
            if (input.Contains(Options.ImageColumnName))
            {
                var paths = ((StringColumn)input[Options.ImageColumnName]).Values.ToArray();
                images = match ? EmbedImages(paths, out imageFeatures) : EmbedImages(paths);
                output = output.Append(FloatVectorColumn.FromTensor(ImageEmbeddingColumn, images));
            }
            if (input.Contains(Options.TextColumnName))
            {
                var captions = ((StringColumn)input[Options.TextColumnName]).Values.ToArray();
                texts = match ? EmbedTexts(captions, out textFeatures) : EmbedTexts(captions);
                output = output.Append(FloatVectorColumn.FromTensor(TextEmbeddingColumn, texts));
            }
            if (match)
            {
                using var p = MatchProbabilities(imageFeatures!, textFeatures!);
                output = output.Append(FloatColumn.FromTensor(MatchScoreColumn, p));
            }
            else if (images is not null && texts is not null)
            {
                using var product = images * texts;
                using var score = product.Sum(1);
                output = output.Append(FloatColumn.FromTensor(MatchScoreColumn, score));
            }
            return output;
        }
        finally
        {
            imageFeatures?.Dispose();
            textFeatures?.Dispose();
        }
    }

    /// <inheritdoc/>
    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName, ComponentVersion) { ParameterCount = Network.ParameterCount() };
        manifest.SetOptions(Options);
        manifest.Maps[VocabMap] = Tokenizer.Vocabulary.ToArray();
        manifest.Maps[MergesMap] = Tokenizer.Merges.ToArray();
        manifest.InputSchema = new DataSchema([
            new ColumnSchema(Options.ImageColumnName, ColumnKind.ImagePath),
            new ColumnSchema(Options.TextColumnName, ColumnKind.Text)]);
        manifest.OutputSchema = new DataSchema([
            new ColumnSchema(ImageEmbeddingColumn, ColumnKind.FloatVector, EmbeddingDim),
            new ColumnSchema(TextEmbeddingColumn, ColumnKind.FloatVector, EmbeddingDim),
            new ColumnSchema(MatchScoreColumn, ColumnKind.Float)]);
        foreach (var kv in Metrics) manifest.Metrics[kv.Key] = kv.Value;
        ModelFile.Save(path, manifest, Network.StateDict());
    }

    /// <summary>Loads a model file written by <see cref="Save"/>.</summary>
    public static CrossModalEncoderModel Load(string path, MLExtContext? context = null) => ModelFile.Load<CrossModalEncoderModel>(path, context);

    internal static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var m = model.Manifest;
        var options = m.GetOptions<CrossModalEncoderOptions>();
        var tokenizer = new BpeTokenizer(m.GetMap(VocabMap), m.GetMap(MergesMap), options.MaxTokens, options.Lowercase);
        var device = context.ResolveDevice();
        var network = new CrossModalNetwork(options, tokenizer.VocabularySize, options.Fusion);
        try
        {
            network.LoadStateDict(model.Weights);
            network.To(device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var result = new CrossModalEncoderModel(options, tokenizer, network, device);
        foreach (var kv in m.Metrics) result.Metrics[kv.Key] = kv.Value;
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}
