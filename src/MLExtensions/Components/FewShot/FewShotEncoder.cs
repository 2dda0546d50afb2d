using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// An embedding network written functionally: <see cref="Forward(Tensor, IReadOnlyList{Tensor}?)"/> can run with the module's own parameters or with
/// an explicit list of weight tensors in <see cref="Module.Parameters"/> order (adapted "fast" weights for MAML/Reptile).
/// </summary>
public abstract class FewShotEncoder : Module
{
    /// <summary>The embedding width.</summary>
    public abstract int EmbeddingSize { get; }

    /// <summary>
    /// Embeds <paramref name="x"/>. <paramref name="weights"/>: null for the module's parameters, else replacements in
    /// parameter order. Batch norm uses batch statistics (and updates the running ones) in training mode.
    /// </summary>
    public abstract Tensor Forward(Tensor x, IReadOnlyList<Tensor>? weights = null);

    /// <summary>
    /// Embeds <paramref name="x"/> with normalisation <paramref name="statistics"/> from <see cref="NormStatistics"/>
    /// (null: as <see cref="Forward(Tensor, IReadOnlyList{Tensor}?)"/>). Each row is then embedded independently of the
    /// others, and the result stays differentiable with respect to the statistics.
    /// </summary>
    public virtual Tensor Forward(Tensor x, IReadOnlyList<Tensor>? weights, IReadOnlyList<Tensor>? statistics) => Forward(x, weights);

    /// <summary>
    /// The per-layer normalisation statistics (mean and biased variance of each batch-norm layer, in layer order) of the
    /// rows <paramref name="x"/> under <paramref name="weights"/>; null for an encoder without batch norm. Embedding
    /// <paramref name="x"/> itself with them gives what batch statistics give.
    /// </summary>
    public virtual IReadOnlyList<Tensor>? NormStatistics(Tensor x, IReadOnlyList<Tensor>? weights = null) => null;

    /// <summary>
    /// The per-layer normalisation statistics of all rows <paramref name="x"/> under the encoder's own weights, as
    /// <see cref="NormStatistics"/> gives for them in one batch, computed without gradients over chunks of
    /// <paramref name="chunkRows"/> rows so that memory stays bounded; null for an encoder without batch norm.
    /// </summary>
    public virtual IReadOnlyList<Tensor>? PopulationStatistics(Tensor x, int chunkRows = 256) => null;

    /// <summary>The statistics held in the encoder's batch-norm buffers, in <see cref="NormStatistics"/> order; null without batch norm.</summary>
    public virtual IReadOnlyList<Tensor>? BufferStatistics() => null;

    /// <summary>
    /// Makes the encoder normalise with fixed <paramref name="statistics"/> (copied into its saved buffers) instead of the
    /// statistics of each batch; does nothing for an encoder without batch norm.
    /// </summary>
    public virtual void FixNormStatistics(IReadOnlyList<Tensor> statistics) { }

    /// <summary>Creates the encoder the options describe for the given input.</summary>
    internal static FewShotEncoder Create(FewShotOptions o, bool image, int featureSize, Generator generator) =>
        image ? new Conv4Encoder(o.Grayscale ? 1 : 3, o.ConvChannels, o.ImageSize, generator)
              : new MlpEncoder(featureSize, o.HiddenSizes, generator) { Standardisation = o.Standardisation };

    /// <summary>He-normal initialisation for ReLU layers.</summary>
    protected static Tensor HeNormal(long[] shape, long fanIn, Generator generator) =>
        torch.Randn(shape, generator) * Math.Sqrt(2.0 / fanIn);
}

/// <summary>Conv-4: four blocks of [3x3 convolution, batch norm, ReLU, 2x2 max-pool], flattened.</summary>
public sealed class Conv4Encoder : FewShotEncoder
{
    private const int Blocks = 4;
    private readonly int _embedding;

    /// <summary>Creates the encoder for <paramref name="inChannels"/> x <paramref name="imageSize"/>² images.</summary>
    public Conv4Encoder(int inChannels, int channels, int imageSize, Generator generator)
    {
        long cin = inChannels;
        int side = imageSize;
        for (int b = 0; b < Blocks; b++)
        {
            RegisterParameter($"conv{b}_weight", HeNormal([channels, cin, 3, 3], cin * 9, generator));
            RegisterParameter($"conv{b}_bias", torch.Zeros([channels]));
            RegisterParameter($"bn{b}_weight", torch.Ones([channels]));
            RegisterParameter($"bn{b}_bias", torch.Zeros([channels]));
            RegisterBuffer($"bn{b}_mean", torch.Zeros([channels]));
            RegisterBuffer($"bn{b}_var", torch.Ones([channels]));
            cin = channels;
            side /= 2;
        }
        if (side < 1) throw new ArgumentException($"images of {imageSize} pixels are too small for four 2x2 poolings (need at least 16)");
        _embedding = channels * side * side;
    }

    /// <inheritdoc />
    public override int EmbeddingSize => _embedding;

    /// <summary>
    /// Whether batch norm always normalises with the statistics of the batch at hand and never uses or updates the
    /// running ones (transductive, as MAML-style methods are trained and evaluated).
    /// </summary>
    public bool BatchStatistics { get; set; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, IReadOnlyList<Tensor>? weights = null) => Forward(x, weights, null);

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, IReadOnlyList<Tensor>? weights, IReadOnlyList<Tensor>? statistics)
    {
        var w = CheckWeights(weights);
        if (statistics != null && statistics.Count != Blocks * 2)
            throw new ArgumentException($"Conv-4 takes {Blocks * 2} normalisation statistics (mean and variance per block), got {statistics.Count}");
        for (int b = 0; b < Blocks; b++)
        {
            x = Functional.Conv2d(x, w[4 * b], w[4 * b + 1], padding: 1);
            if (statistics != null) x = Normalise(x, statistics[2 * b], statistics[2 * b + 1], w[4 * b + 2], w[4 * b + 3]);
            else if (FixedStatistics) x = Normalise(x, GetBuffer($"bn{b}_mean")!, GetBuffer($"bn{b}_var")!, w[4 * b + 2], w[4 * b + 3]);
            else if (BatchStatistics) x = Functional.BatchNorm(x, null, null, w[4 * b + 2], w[4 * b + 3], training: true, eps: Eps);
            else x = Functional.BatchNorm(x, GetBuffer($"bn{b}_mean"), GetBuffer($"bn{b}_var"), w[4 * b + 2], w[4 * b + 3], training: IsTraining, eps: Eps);
            x = Functional.MaxPool2d(x.Relu(), 2);
        }
        return x.Flatten(1);
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> NormStatistics(Tensor x, IReadOnlyList<Tensor>? weights = null)
    {
        var w = CheckWeights(weights);
        var stats = new List<Tensor>(Blocks * 2);
        for (int b = 0; b < Blocks; b++)
        {
            x = Functional.Conv2d(x, w[4 * b], w[4 * b + 1], padding: 1);
            var mean = x.Mean([0, 2, 3]);
            var variance = (x - mean.View(1, -1, 1, 1)).Square().Mean([0, 2, 3]);
            stats.Add(mean);
            stats.Add(variance);
            if (b < Blocks - 1) x = Functional.MaxPool2d(Normalise(x, mean, variance, w[4 * b + 2], w[4 * b + 3]).Relu(), 2);
        }
        return stats;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> PopulationStatistics(Tensor x, int chunkRows = 256)
    {
        if (chunkRows < 1) throw new ArgumentException($"chunkRows must be at least 1 (got {chunkRows})");
        if (x.Size(0) == 0) throw new ArgumentException("no rows to compute normalisation statistics from");
        using var noGrad = torch.NoGrad();
        var w = CheckWeights(null);
        var stats = new List<Tensor>(Blocks * 2);
        using var scope = torch.NewDisposeScope();
        var chunks = new List<Tensor>();
        for (long s = 0; s < x.Size(0); s += chunkRows) chunks.Add(x.Narrow(0, s, Math.Min(chunkRows, x.Size(0) - s)));
        double rows = x.Size(0);
        for (int b = 0; b < Blocks; b++)
        {
            // Per-chunk means and biased variances, combined exactly: the total variance is the rows-weighted mean of
            // (chunk variance + squared distance of the chunk mean to the total mean).
            var means = new List<Tensor>(chunks.Count);
            var variances = new List<Tensor>(chunks.Count);
            foreach (var c in chunks)
            {
                var h = Functional.Conv2d(c, w[4 * b], w[4 * b + 1], padding: 1);
                var m = h.Mean([0, 2, 3]);
                means.Add(m);
                variances.Add((h - m.View(1, -1, 1, 1)).Square().Mean([0, 2, 3]));
            }
            var weight = chunks.Select(c => c.Size(0) / rows).ToArray();
            var mean = means.Select((m, i) => m * weight[i]).Aggregate((a, c) => a + c);
            var variance = variances.Select((v, i) => (v + (means[i] - mean).Square()) * weight[i]).Aggregate((a, c) => a + c);
            stats.Add(mean.MoveToOuterDisposeScope());
            stats.Add(variance.MoveToOuterDisposeScope());
            if (b < Blocks - 1)
                chunks = chunks.Select(c => Functional.MaxPool2d(
                    Normalise(Functional.Conv2d(c, w[4 * b], w[4 * b + 1], padding: 1), mean, variance, w[4 * b + 2], w[4 * b + 3]).Relu(), 2)).ToList();
        }
        return stats;
    }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> BufferStatistics() =>
        Enumerable.Range(0, Blocks).SelectMany(b => new[] { GetBuffer($"bn{b}_mean")!, GetBuffer($"bn{b}_var")! }).ToList();

    /// <summary>
    /// Copies <paramref name="statistics"/> into the batch-norm buffers without changing how <see cref="Forward(Tensor, IReadOnlyList{Tensor}?)"/>
    /// normalises (a meta-model's embedding statistics: its adaptation keeps batch statistics).
    /// </summary>
    internal void StoreStatistics(IReadOnlyList<Tensor> statistics)
    {
        if (statistics.Count != Blocks * 2) throw new ArgumentException($"Conv-4 takes {Blocks * 2} normalisation statistics, got {statistics.Count}");
        using var noGrad = torch.NoGrad();
        for (int b = 0; b < Blocks; b++)
        {
            GetBuffer($"bn{b}_mean")!.Copy_(statistics[2 * b]);
            GetBuffer($"bn{b}_var")!.Copy_(statistics[2 * b + 1]);
        }
    }

    /// <inheritdoc />
    public override void FixNormStatistics(IReadOnlyList<Tensor> statistics)
    {
        StoreStatistics(statistics);
        UseBufferStatistics();
    }

    /// <summary>Normalises with the statistics already in the buffers, as <see cref="FixNormStatistics"/> leaves them (for a loaded classifier).</summary>
    internal void UseBufferStatistics()
    {
        BatchStatistics = false;
        FixedStatistics = true;
    }

    /// <summary>
    /// Whether batch norm normalises with the statistics in its buffers as set by <see cref="FixNormStatistics"/> (support
    /// statistics of an adapted classifier), in training and scoring alike, computed as <see cref="Forward(Tensor, IReadOnlyList{Tensor}?, IReadOnlyList{Tensor}?)"/>
    /// does with explicit statistics.
    /// </summary>
    public bool FixedStatistics { get; private set; }

    private const double Eps = 1e-5;

    private IReadOnlyList<Tensor> CheckWeights(IReadOnlyList<Tensor>? weights)
    {
        var w = weights ?? Parameters().ToList();
        if (w.Count != Blocks * 4) throw new ArgumentException($"Conv-4 takes {Blocks * 4} weight tensors, got {w.Count}");
        return w;
    }

    // Batch norm with given statistics, written out so that gradients also flow into the statistics.
    private static Tensor Normalise(Tensor x, Tensor mean, Tensor variance, Tensor gamma, Tensor beta)
    {
        var scale = gamma / (variance + Eps).Sqrt();
        return x * scale.View(1, -1, 1, 1) + (beta - mean * scale).View(1, -1, 1, 1);
    }
}

/// <summary>An MLP over standardised feature vectors: Linear-ReLU blocks, the last layer linear (the embedding).</summary>
public sealed class MlpEncoder : FewShotEncoder
{
    private readonly int _embedding;
    private readonly int _layers;

    /// <summary>Creates the encoder for <paramref name="inputs"/> features.</summary>
    public MlpEncoder(int inputs, IReadOnlyList<int> sizes, Generator generator)
    {
        RegisterBuffer("input_mean", torch.Zeros([inputs]));
        RegisterBuffer("input_std", torch.Ones([inputs]));
        long cin = inputs;
        for (int i = 0; i < sizes.Count; i++)
        {
            RegisterParameter($"fc{i}_weight", HeNormal([sizes[i], cin], cin, generator));
            RegisterParameter($"fc{i}_bias", torch.Zeros([sizes[i]]));
            cin = sizes[i];
        }
        _layers = sizes.Count;
        _embedding = sizes[^1];
    }

    /// <inheritdoc />
    public override int EmbeddingSize => _embedding;

    /// <summary>How <see cref="FitStandardisation"/> sets the scale (the fitted mean and scale are buffers, saved with the weights).</summary>
    public FewShotStandardisation Standardisation { get; init; } = FewShotStandardisation.Global;

    /// <summary>Sets the input standardisation from training rows [N, inputs].</summary>
    public void FitStandardisation(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var mean = GetBuffer("input_mean")!;
        var std = GetBuffer("input_std")!;
        switch (Standardisation)
        {
            case FewShotStandardisation.PerFeature:
                mean.Copy_(x.Mean(0));
                std.Copy_(x.Std(0).ClampMin(1e-3));
                break;
            case FewShotStandardisation.Global:
                mean.Copy_(x.Mean(0));
                std.Fill_(Math.Max(1e-3, (x - x.Mean(0)).Square().Mean().Sqrt().Item<float>()));
                break;
            default:
                mean.Zero_();
                std.Fill_(1.0);
                break;
        }
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor x, IReadOnlyList<Tensor>? weights = null)
    {
        var w = weights ?? Parameters().ToList();
        if (w.Count != _layers * 2) throw new ArgumentException($"the MLP takes {_layers * 2} weight tensors, got {w.Count}");
        x = (x - GetBuffer("input_mean")!) / GetBuffer("input_std")!;
        for (int i = 0; i < _layers; i++)
        {
            x = Functional.Linear(x, w[2 * i], w[2 * i + 1]);
            if (i < _layers - 1) x = x.Relu();
        }
        return x;
    }
}
