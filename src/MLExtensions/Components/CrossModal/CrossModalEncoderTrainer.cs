using System.Diagnostics;
using System.Text.RegularExpressions;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// Trains an image encoder and a text encoder into one embedding space with symmetric InfoNCE (CLIP-style):
/// a BPE tokenizer learned from the captions, AdamW with linear warmup and cosine decay, random resized crops
/// (flips off by default), gradient accumulation (with the negatives shared across the micro-batches of a step by
/// default, see <see cref="CrossModalEncoderOptions.AccumulationSharesNegatives"/>), early stopping on the recall of a held-out part of the pairs,
/// progress through <see cref="CrossModalEncoderOptions.Progress"/>.
/// </summary>
public sealed class CrossModalEncoderTrainer : IEstimator<CrossModalEncoderModel>
{
    private readonly MLExtContext _context;

    /// <summary>Creates a trainer; see <see cref="CrossModalCatalog.CrossModalEncoder"/>.</summary>
    public CrossModalEncoderTrainer(MLExtContext context, CrossModalEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _context = context;
        Options = options;
    }

    /// <summary>The training options.</summary>
    public CrossModalEncoderOptions Options { get; }

    /// <summary>The result of the last <see cref="Fit"/> (epochs, early stopping), or null.</summary>
    public TrainingResult? LastResult { get; private set; }

    /// <inheritdoc/>
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(Options.ImageColumnName, ColumnKind.ImagePath, ColumnKind.Text);
        inputSchema.Require(Options.TextColumnName, ColumnKind.Text);
        return new DataSchema(inputSchema.Concat([
            new ColumnSchema(CrossModalEncoderModel.ImageEmbeddingColumn, ColumnKind.FloatVector, Options.EmbeddingDim),
            new ColumnSchema(CrossModalEncoderModel.TextEmbeddingColumn, ColumnKind.FloatVector, Options.EmbeddingDim),
            new ColumnSchema(CrossModalEncoderModel.MatchScoreColumn, ColumnKind.Float)]));
    }

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">An image file is missing.</exception>
    /// <exception cref="InvalidDataException">An image file is not an image.</exception>
    /// <exception cref="ArgumentException">A caption is empty, a column is missing, or there are fewer than 2 pairs.</exception>
    public CrossModalEncoderModel Fit(DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        var (paths, captions) = ReadPairs(input, o);

        int seed = o.Seed ?? _context.NextSeed();
        var random = new Random(seed);
        torch.ManualSeed(unchecked((ulong)seed));
        var device = _context.ResolveDevice();

        var (trainRows, validRows) = Split(captions, o, random);

        var tokenizer = BpeTokenizer.Learn(trainRows.Select(i => captions[i]), o.VocabularySize, o.MaxTokens, o.Lowercase);
        int truncated = captions.Count(c => { tokenizer.Encode(c, out bool cut); return cut; });
        if (truncated > 0)
            _context.WriteLog(MessageSeverity.Warning, nameof(CrossModalEncoderTrainer),
                $"{truncated} caption(s) exceed {o.MaxTokens} tokens and are truncated (raise MaxTokens to keep them whole)");
        _context.WriteLog(MessageSeverity.Info, nameof(CrossModalEncoderTrainer),
            $"tokenizer: {tokenizer.VocabularySize} ids, {tokenizer.Merges.Count} merges; {trainRows.Length} training and {validRows.Length} validation pairs");

        using var pixels = ImageInputs.Decode(paths, o.ImageSize).DetachFromDisposeScope();
        var network = new CrossModalNetwork(o, tokenizer.VocabularySize, fusion: false);
        try
        {
            network.To(device);
            var result = Train(network, tokenizer, pixels, captions, trainRows, validRows, random, device);
            if (o.Fusion)
                foreach (var kv in TrainFusion(network, tokenizer, pixels, captions, trainRows, validRows, seed, device, o)) result[kv.Key] = kv.Value;
            var model = new CrossModalEncoderModel(o, tokenizer, network, device);
            foreach (var kv in result) model.Metrics[kv.Key] = kv.Value;
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private Dictionary<string, double> Train(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions,
        int[] trainRows, int[] validRows, Random random, Device device)
    {
        var o = Options;
        var decay = network.NamedParameters().Where(p => p.Parameter.Dim >= 2).Select(p => p.Parameter).ToArray();
        var noDecay = network.NamedParameters().Where(p => p.Parameter.Dim < 2).Select(p => p.Parameter).ToArray();
        using var optimizer = new AdamW([new ParamGroup(decay), new ParamGroup(noDecay, weightDecay: 0)], o.LearningRate, weightDecay: o.WeightDecay);
        int pairsPerStep = o.BatchSize * o.AccumulationSteps;
        int stepsPerEpoch = Math.Max(1, (trainRows.Length + pairsPerStep - 1) / pairsPerStep);
        int totalSteps = stepsPerEpoch * o.Epochs;
        var schedule = new CosineWithWarmup(optimizer, (int)Math.Round(o.WarmupFraction * totalSteps), totalSteps);
        bool validate = validRows.Length >= 2;
        var loopOptions = new TrainingLoopOptions
        {
            Epochs = o.Epochs,
            StepsPerEpoch = stepsPerEpoch,
            MetricName = "val_mean_recall",
            EarlyStopping = validate && o.EarlyStoppingPatience > 0 ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience, MinEpochs = o.EarlyStoppingMinEpochs, Maximize = true } : null,
            Progress = o.Progress,
        };
        var shuffled = trainRows.ToArray();
        long pairsSeen = 0;
        var clock = new Stopwatch();
        double maxLogScale = Math.Log(ContrastiveLoss.MaxLogitScale);
        RetrievalMetrics? lastValidation = null;

        var result = new TrainingLoop(loopOptions, _context).Run(step =>
        {
            clock.Start();
            if (step.Step == 1) random.Shuffle(shuffled);
            int first = (step.Step - 1) * pairsPerStep;
            int rowsThisStep = Math.Min(pairsPerStep, shuffled.Length - first);
            var (lossSum, used) = AccumulateGradients(network, tokenizer, pixels, captions, shuffled.AsSpan(first, rowsThisStep).ToArray(), random, device);
            if (used > 0)
            {
                if (o.MaxGradNorm > 0) GradClipping.ClipGradNorm(network.Parameters(), o.MaxGradNorm);
                optimizer.Step();
                using (torch.NoGrad()) network.LogitScale.Clamp_(0, maxLogScale);
            }
            optimizer.ZeroGrad();
            schedule.Step();
            pairsSeen += used;
            clock.Stop();
            return used > 0 ? lossSum / used : 0;
        },
        validate ? _ =>
        {
            lastValidation = Evaluate(network, tokenizer, pixels, captions, validRows, device);
            return lastValidation.MeanRecall;
        } : null, network);
        LastResult = result;
        network.Eval();

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["train_pairs_per_second"] = clock.Elapsed.TotalSeconds > 0 ? pairsSeen / clock.Elapsed.TotalSeconds : 0,
            ["epochs"] = result.History.Count,
            ["temperature"] = 1.0 / Math.Exp(Math.Min(network.LogitScale.Item<float>(), maxLogScale)),
        };
        if (result.BestMetric is double best) metrics["val_mean_recall"] = best;
        else if (lastValidation is not null) metrics["val_mean_recall"] = lastValidation.MeanRecall;
        return metrics;
    }

    // Adds to the parameters' gradients those of the mean loss over the step's rows, in micro-batches of BatchSize, and
    // returns the loss summed over the rows used and their number. The micro-batches' augmented images and caption ids are
    // drawn once (the same in both passes of shared negatives). InfoNCE needs negatives, and batch norm more than one row:
    // a last micro-batch of 1 row is left out.
    private (double LossSum, int Used) AccumulateGradients(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions,
        int[] stepRows, Random random, Device device)
    {
        var o = Options;
        using var scope = torch.NewDisposeScope();
        var micro = new List<(Tensor Images, Tensor Ids, int Count)>();
        int used = 0;
        for (int start = 0; start < stepRows.Length; start += o.BatchSize)
        {
            int count = Math.Min(o.BatchSize, stepRows.Length - start);
            if (count < 2) break;
            var rows = stepRows.AsSpan(start, count).ToArray();
            var index = Tensor.From(rows.Select(r => (long)r).ToArray(), rows.Length);
            var images = ImageInputs.ToInput(pixels.IndexSelect(0, index), device);
            if (o.RandomResizedCrop || o.HorizontalFlip)
                images = ImageInputs.Augment(images, random, o.RandomResizedCrop ? o.CropMinScale : 1.0, o.HorizontalFlip);
            var ids = CaptionInputs.Encode(tokenizer, rows.Select(r => captions[r]).ToArray(), device, out _);
            micro.Add((images, ids, count));
            used += count;
        }
        if (micro.Count > 1 && o.AccumulationSharesNegatives)
        {
            // One InfoNCE over all the step's pairs (gradient caching): their mean loss, as one large batch would give.
            double loss = ContrastiveGradientCache.Backward(network, micro.Count,
                i => (network.EncodeImages(micro[i].Images), network.EncodeTexts(micro[i].Ids)), network.LogitScale);
            return (loss * used, used);
        }
        double lossSum = 0;
        foreach (var (images, ids, count) in micro)
        {
            using var inner = torch.NewDisposeScope();
            var loss = ContrastiveLoss.SymmetricInfoNce(network.EncodeImages(images), network.EncodeTexts(ids), network.LogitScale);
            // Each micro-batch weighs by its share of the step's pairs, so the update is the mean over all of them.
            (loss * ((double)count / used)).Backward();
            lossSum += loss.Item<float>() * count;
        }
        return (lossSum, used);
    }

    /// <summary>The depth of re-ranking the match weight is chosen for (the CLI's default too).</summary>
    public const int RerankTop = 10;

    // The second stage: a fusion head trained on the frozen encoders, then the match weight of re-ranking that does best
    // on the validation pairs (0, the embedding order, when the head does not help). Seeded apart from the first stage,
    // so that FitFusion on the model of the same first stage gives the same head.
    private Dictionary<string, double> TrainFusion(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions,
        int[] trainRows, int[] validRows, int seed, Device device, CrossModalEncoderOptions o)
    {
        int fusionSeed = unchecked(seed * 31 + 17);
        torch.ManualSeed(unchecked((ulong)fusionSeed));
        network.AddFusion(o).To(device);
        network.Eval();
        using var validation = validRows.Length >= 2 ? new ValidationReranking(network, tokenizer, pixels, captions, validRows, device) : null;
        var clock = Stopwatch.StartNew();
        var result = FusionTraining.Train(network, tokenizer, pixels, captions, trainRows, validation, o, fusionSeed, device, _context);
        network.Eval();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["fusion_epochs"] = result.History.Count,
            ["fusion_seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (validation is null) return metrics;
        var (weight, reranked, alone) = validation.Choose(network);
        metrics[CrossModalEncoderModel.RerankMatchWeightMetric] = weight;
        metrics["val_mean_recall_reranked"] = reranked.MeanRecall;
        metrics["val_mean_recall_head_alone"] = alone.MeanRecall;
        _context.WriteLog(MessageSeverity.Info, nameof(CrossModalEncoderTrainer),
            $"re-ranking the top {RerankTop} on the validation pairs: match weight {weight} (mean recall {reranked.MeanRecall:F4}; the head alone {alone.MeanRecall:F4})");
        return metrics;
    }

    /// <summary>
    /// Adds a fusion re-ranker to a model trained without one: the model's encoders are frozen and the head is trained
    /// as <see cref="CrossModalEncoderOptions.Fusion"/> does (with this trainer's fusion settings). The validation pairs
    /// are held out as at the model's training (same seed), so <paramref name="input"/> should be the model's training
    /// pairs; the result is then the model that training with <see cref="CrossModalEncoderOptions.Fusion"/> would give.
    /// </summary>
    /// <exception cref="FileNotFoundException">An image file is missing.</exception>
    /// <exception cref="InvalidDataException">An image file is not an image.</exception>
    public CrossModalEncoderModel FitFusion(CrossModalEncoderModel model, DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        var o = model.Options.Clone();
        o.Fusion = true;
        o.FusionHeads = Options.FusionHeads;
        o.FusionLayers = Options.FusionLayers;
        o.FusionEpochs = Options.FusionEpochs;
        o.FusionNegatives = Options.FusionNegatives;
        o.FusionHardPool = Options.FusionHardPool;
        o.FusionLearningRate = Options.FusionLearningRate;
        o.FusionColours = Options.FusionColours;
        o.Progress = Options.Progress;
        o.Validate();
        var (paths, captions) = ReadPairs(input, o);
        int seed = o.Seed ?? Options.Seed ?? _context.NextSeed();
        var (trainRows, validRows) = Split(captions, o, new Random(seed));
        var device = _context.ResolveDevice();
        using var pixels = ImageInputs.Decode(paths, o.ImageSize).DetachFromDisposeScope();
        var network = new CrossModalNetwork(o, model.Tokenizer.VocabularySize, fusion: false);
        try
        {
            using (var scope = torch.NewDisposeScope())
            {
                var state = model.Network.StateDict().Where(kv => !kv.Key.StartsWith("fusion.", StringComparison.Ordinal)).ToDictionary();
                network.LoadStateDict(state);
            }
            network.To(device);
            var metrics = TrainFusion(network, model.Tokenizer, pixels, captions, trainRows, validRows, seed, device, o);
            var result = new CrossModalEncoderModel(o, model.Tokenizer, network, device);
            foreach (var kv in model.Metrics.Concat(metrics)) result.Metrics[kv.Key] = kv.Value;
            return result;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    // The image paths and captions of the training pairs, checked: both columns present, at least 2 pairs, no empty caption.
    private static (string[] Paths, string[] Captions) ReadPairs(DataBatch input, CrossModalEncoderOptions o)
    {
        input.Schema.Require(o.ImageColumnName, ColumnKind.ImagePath, ColumnKind.Text);
        input.Schema.Require(o.TextColumnName, ColumnKind.Text);
        var paths = ((StringColumn)input[o.ImageColumnName]).Values.ToArray();
        var captions = ((StringColumn)input[o.TextColumnName]).Values.ToArray();
        if (paths.Length < 2) throw new ArgumentException($"training needs at least 2 image-caption pairs, got {paths.Length}");
        for (int i = 0; i < captions.Length; i++)
            if (string.IsNullOrWhiteSpace(captions[i])) throw new ArgumentException($"row {i}: the caption is empty");
        return (paths, captions);
    }

    /// <summary>
    /// The rows of <paramref name="captions"/> (the training pairs' captions, in order) that <see cref="Fit"/> holds out as
    /// validation pairs with <paramref name="options"/>; <see cref="CrossModalEncoderOptions.Seed"/> must be set.
    /// </summary>
    public static int[] HeldOutRows(IReadOnlyList<string> captions, CrossModalEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(captions);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int seed = options.Seed ?? throw new ArgumentException("HeldOutRows needs options.Seed (the split is drawn from it)");
        return Split(captions.ToArray(), options, new Random(seed)).Valid;
    }

    // Training and validation rows: ValidationFraction of the pairs (at least 2, none below 10 pairs) held out at random,
    // pair by pair or, with ValidationGroupPattern, group by group (pairs whose captions give the same match together).
    private static (int[] Train, int[] Valid) Split(string[] captions, CrossModalEncoderOptions o, Random random)
    {
        int count = captions.Length;
        int validCount = o.ValidationFraction > 0 && count >= 10 ? Math.Max(2, (int)Math.Round(count * o.ValidationFraction)) : 0;
        int[] order;
        if (string.IsNullOrEmpty(o.ValidationGroupPattern))
            order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
        else
        {
            var pattern = new Regex(o.ValidationGroupPattern, RegexOptions.CultureInvariant);
            string Key(string caption) { var m = pattern.Match(caption); return m.Success ? m.Value.Trim() : caption; }
            var groups = Enumerable.Range(0, count).GroupBy(i => Key(captions[i]), StringComparer.Ordinal)
                .Select(g => g.ToArray()).OrderBy(_ => random.Next()).ToArray();
            order = groups.SelectMany(g => g).ToArray();
            // Whole groups only: the held-out part ends at the first group boundary at or after validCount.
            int taken = 0;
            foreach (var g in groups)
            {
                if (taken >= validCount) break;
                taken += g.Length;
            }
            if (validCount > 0 && taken >= count) throw new ArgumentException($"ValidationGroupPattern puts all {count} pairs in the validation part: too few groups");
            validCount = taken;
        }
        return (order.Skip(validCount).Order().ToArray(), order.Take(validCount).Order().ToArray());
    }

    private static RetrievalMetrics Evaluate(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions, int[] rows, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var index = Tensor.From(rows.Select(r => (long)r).ToArray(), rows.Length);
        var imageEmb = network.EncodeImages(ImageInputs.ToInput(pixels.IndexSelect(0, index), device));
        var texts = rows.Select(r => captions[r]).ToArray();
        var textEmb = network.EncodeTexts(CaptionInputs.Encode(tokenizer, texts, device, out _));
        // Rows are distinct images here (one per pair), so each query has exactly its own caption as the answer.
        var keys = rows.Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return RetrievalMetrics.FromEmbeddings(imageEmb, textEmb, keys, keys, keys, keys);
    }
}
