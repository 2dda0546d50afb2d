using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The second training stage of the fusion re-ranker: the contrastive encoders are frozen (so the embeddings, and
/// retrieval without re-ranking, stay exactly those of the first stage) and only the image-text matching head learns.
/// Hard negatives are mined from the contrastive scores over the whole training set: for each image the
/// <see cref="CrossModalEncoderOptions.FusionHardPool"/> captions with the largest cosine (never one identical to its
/// own caption), for each caption the images likewise. Each step takes a batch of pairs; each image is scored with its
/// caption and <see cref="CrossModalEncoderOptions.FusionNegatives"/> negatives drawn from its pool, each caption with
/// its image and as many negative images, and the loss is the softmax cross-entropy of the true partner in each such
/// group: the head learns to order the candidates that the embeddings put on top, which is what re-ranking asks of it.
/// </summary>
internal static class FusionTraining
{
    public static TrainingResult Train(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions, int[] rows,
        ValidationReranking? validation, CrossModalEncoderOptions o, int seed, Device device, MLExtContext context)
    {
        var head = network.Fusion ?? throw new InvalidOperationException("the network has no fusion head");
        var random = new Random(seed);
        int n = rows.Length;
        using var features = Encode(network, tokenizer, pixels, captions, rows, device);
        float[] sims;
        using (torch.NoGrad())
        using (var s = features.ImageEmbedding.Mm(features.TextEmbedding.T()))
            sims = s.Cpu().ToArray<float>();
        var rowCaptions = rows.Select(r => captions[r]).ToArray();
        var textPools = new int[n][];
        var imagePools = new int[n][];
        for (int q = 0; q < n; q++)
        {
            int query = q;
            textPools[q] = Pool(n, c => sims[query * n + c], c => rowCaptions[c] != rowCaptions[query], o.FusionHardPool);
            imagePools[q] = Pool(n, c => sims[c * n + query], c => rowCaptions[c] != rowCaptions[query], o.FusionHardPool);
        }

        var parameters = head.Parameters().ToArray();
        using var optimizer = new AdamW([new ParamGroup(head.NamedParameters().Where(p => p.Parameter.Dim >= 2).Select(p => p.Parameter)),
            new ParamGroup(head.NamedParameters().Where(p => p.Parameter.Dim < 2).Select(p => p.Parameter), weightDecay: 0)],
            o.FusionLearningRate, weightDecay: o.WeightDecay);
        int stepsPerEpoch = Math.Max(1, (n + o.BatchSize - 1) / o.BatchSize);
        int totalSteps = stepsPerEpoch * o.FusionEpochs;
        var schedule = new CosineWithWarmup(optimizer, (int)Math.Round(o.WarmupFraction * totalSteps), totalSteps);
        var loopOptions = new TrainingLoopOptions
        {
            Epochs = o.FusionEpochs,
            StepsPerEpoch = stepsPerEpoch,
            MetricName = "val_mean_recall_reranked",
            EarlyStopping = validation is not null && o.EarlyStoppingPatience > 0 ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience, Maximize = true } : null,
            Progress = o.Progress,
        };
        var order = Enumerable.Range(0, n).ToArray();
        Tensor? imageTokens = null;
        try
        {
            return new TrainingLoop(loopOptions, context).Run(step =>
            {
                if (step.Step == 1)
                {
                    random.Shuffle(order);
                    // Fresh random crops of the training images for the head each epoch (the pools stay those of the uncropped images).
                    imageTokens?.Dispose();
                    imageTokens = o.RandomResizedCrop
                        ? EncodeImageTokens(network, pixels, rows, device, random, o.CropMinScale)
                        : features.ImageTokens.Alias().DetachFromDisposeScope();
                }
                int first = (step.Step - 1) * o.BatchSize, count = Math.Min(o.BatchSize, n - first);
                if (count < 1) return 0;
                int group = 1 + o.FusionNegatives;
                var imageIndex = new long[2 * count * group];
                var textIndex = new long[2 * count * group];
                for (int a = 0; a < count; a++)
                {
                    int q = order[first + a];
                    var negTexts = Draw(textPools[q], o.FusionNegatives, random);
                    var negImages = Draw(imagePools[q], o.FusionNegatives, random);
                    for (int j = 0; j < group; j++)
                    {
                        int i2t = a * group + j, t2i = (count + a) * group + j;
                        imageIndex[i2t] = q;
                        textIndex[i2t] = j == 0 ? q : negTexts[j - 1];
                        textIndex[t2i] = q;
                        imageIndex[t2i] = j == 0 ? q : negImages[j - 1];
                    }
                }
                var imageRows = Tensor.From(imageIndex, imageIndex.Length).To(device);
                var textRows = Tensor.From(textIndex, textIndex.Length).To(device);
                var logits = network.MatchLogits(features.Ids.IndexSelect(0, textRows), features.TextTokens.IndexSelect(0, textRows),
                    imageTokens!.IndexSelect(0, imageRows));
                // The true partner is the first of each group.
                var loss = -logits.View(2 * count, group).LogSoftmax(1).Select(1, 0).Mean();
                loss.Backward();
                if (o.MaxGradNorm > 0) GradClipping.ClipGradNorm(parameters, o.MaxGradNorm);
                optimizer.Step();
                optimizer.ZeroGrad();
                schedule.Step();
                return loss.Item<float>();
            },
            validation is null ? null : epoch =>
            {
                var (weight, metrics, alone) = validation.Choose(network);
                context.WriteLog(MessageSeverity.Info, nameof(CrossModalEncoderTrainer), FormattableString.Invariant(
                    $"fusion epoch {epoch}: validation mean recall re-ranked {metrics.MeanRecall:F4} (match weight {weight}), the head alone {alone.MeanRecall:F4} (R@1 {alone.ImageToText.R1:F3} / {alone.TextToImage.R1:F3})"));
                return metrics.MeanRecall;
            }, head);
        }
        finally
        {
            imageTokens?.Dispose();
        }
    }

    // The `size` candidates with the largest score among those allowed, best first.
    private static int[] Pool(int n, Func<int, float> score, Func<int, bool> allowed, int size)
    {
        var keys = new float[n];
        var index = new int[n];
        int m = 0;
        for (int c = 0; c < n; c++)
            if (allowed(c)) { keys[m] = -score(c); index[m++] = c; }
        Array.Sort(keys, index, 0, m);
        return index.AsSpan(0, Math.Min(size, m)).ToArray();
    }

    // `count` distinct entries of the pool, drawn uniformly (all of it, repeated, when the pool is smaller).
    private static int[] Draw(int[] pool, int count, Random random)
    {
        if (pool.Length == 0) throw new InvalidOperationException("every training caption is the same: the matching head has no negatives");
        var result = new int[count];
        if (pool.Length <= count)
        {
            for (int i = 0; i < count; i++) result[i] = pool[i % pool.Length];
            return result;
        }
        var copy = (int[])pool.Clone();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
            result[i] = copy[i];
        }
        return result;
    }

    /// <summary>Embeddings and fusion inputs of the pairs at <paramref name="rows"/> (eval mode, no gradients); the text ids share one padding length.</summary>
    public static PairFeatures Encode(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions, int[] rows, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        network.Eval();
        var imageEmb = new List<Tensor>();
        var imageTokens = new List<Tensor>();
        var textEmb = new List<Tensor>();
        var textTokens = new List<Tensor>();
        var ids = CaptionInputs.Encode(tokenizer, rows.Select(r => captions[r]).ToArray(), device, out _);
        foreach (var (start, count) in Chunks(rows.Length))
        {
            var (ie, it) = network.EncodeImagesWithTokens(ImageBatch(pixels, rows, start, count, device, null, 1));
            imageEmb.Add(ie);
            imageTokens.Add(it);
            var (te, tt) = network.EncodeTextsWithTokens(ids.Narrow(0, start, count));
            textEmb.Add(te);
            textTokens.Add(tt);
        }
        return new PairFeatures(torch.Cat(imageEmb, 0), torch.Cat(imageTokens, 0), torch.Cat(textEmb, 0), torch.Cat(textTokens, 0), ids);
    }

    private static Tensor EncodeImageTokens(CrossModalNetwork network, Tensor pixels, int[] rows, Device device, Random random, double minScale)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        network.Image.Eval();
        var tokens = new List<Tensor>();
        foreach (var (start, count) in Chunks(rows.Length))
            tokens.Add(network.EncodeImagesWithTokens(ImageBatch(pixels, rows, start, count, device, random, minScale)).Tokens);
        return torch.Cat(tokens, 0).DetachFromDisposeScope();
    }

    private static Tensor ImageBatch(Tensor pixels, int[] rows, int start, int count, Device device, Random? random, double minScale)
    {
        var index = Tensor.From(rows.Skip(start).Take(count).Select(r => (long)r).ToArray(), count);
        var images = ImageInputs.ToInput(pixels.IndexSelect(0, index), device);
        return random is null ? images : ImageInputs.Augment(images, random, minScale, false);
    }

    private static IEnumerable<(int Start, int Count)> Chunks(int rows, int size = 256)
    {
        for (int start = 0; start < rows; start += size) yield return (start, Math.Min(size, rows - start));
    }
}

/// <summary>Embeddings and fusion inputs of a set of pairs (row i: image i and caption i), owned by this object.</summary>
internal sealed class PairFeatures : IDisposable
{
    public PairFeatures(Tensor imageEmbedding, Tensor imageTokens, Tensor textEmbedding, Tensor textTokens, Tensor ids)
    {
        ImageEmbedding = imageEmbedding.DetachFromDisposeScope();
        ImageTokens = imageTokens.DetachFromDisposeScope();
        TextEmbedding = textEmbedding.DetachFromDisposeScope();
        TextTokens = textTokens.DetachFromDisposeScope();
        Ids = ids.DetachFromDisposeScope();
    }

    public Tensor ImageEmbedding { get; }
    public Tensor ImageTokens { get; }
    public Tensor TextEmbedding { get; }
    public Tensor TextTokens { get; }
    public Tensor Ids { get; }

    public void Dispose()
    {
        ImageEmbedding.Dispose();
        ImageTokens.Dispose();
        TextEmbedding.Dispose();
        TextTokens.Dispose();
        Ids.Dispose();
    }
}

/// <summary>
/// Re-ranking of the validation pairs: their embeddings and fusion inputs are computed once (the encoders are frozen
/// while the head trains), and each call scores the top <see cref="CrossModalEncoderTrainer.RerankTop"/> of every query
/// with the head and picks the match weight of <see cref="RerankedRetrieval.WeightGrid"/> with the best mean recall.
/// </summary>
internal sealed class ValidationReranking : IDisposable
{
    private readonly PairFeatures _features;
    private readonly FusionFeatures _images, _texts;
    private readonly RerankedRetrieval _reranked;
    private readonly bool[] _relevant;
    private readonly Device _device;

    public ValidationReranking(CrossModalNetwork network, BpeTokenizer tokenizer, Tensor pixels, string[] captions, int[] rows, Device device)
    {
        _device = device;
        _features = FusionTraining.Encode(network, tokenizer, pixels, captions, rows, device);
        using var scope = torch.NewDisposeScope();
        _images = new FusionFeatures(_features.ImageTokens.Cpu(), null);
        _texts = new FusionFeatures(_features.TextTokens.Cpu(), _features.Ids.Cpu());
        float[] sims;
        using (torch.NoGrad()) sims = _features.ImageEmbedding.Mm(_features.TextEmbedding.T()).Cpu().ToArray<float>();
        _reranked = new RerankedRetrieval(sims, rows.Length, rows.Length, CrossModalEncoderTrainer.RerankTop);
        // Rows are distinct images (one per pair): each query's answer is its own partner.
        _relevant = new bool[rows.Length * rows.Length];
        for (int i = 0; i < rows.Length; i++) _relevant[i * rows.Length + i] = true;
    }

    /// <summary>The best match weight and its metrics, and the metrics of the head alone (weight 1000).</summary>
    public (double Weight, RetrievalMetrics Metrics, RetrievalMetrics HeadAlone) Choose(CrossModalNetwork network)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var logits = network.MatchLogits(_images, _texts, _reranked.ImageRows, _reranked.TextRows, 256, _device);
        double scale;
        using (var s = ContrastiveLoss.Scale(network.LogitScale)) scale = s.Item<float>();
        var (weight, metrics) = _reranked.ChooseWeight(_relevant, logits, scale);
        return (weight, metrics, _reranked.Metrics(_relevant, logits, scale, RerankedRetrieval.WeightGrid[^1]));
    }

    public void Dispose()
    {
        _features.Dispose();
        _images.Dispose();
        _texts.Dispose();
    }
}
