using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch.NN;

/// <summary>Layer normalisation over the trailing <c>normalizedShape</c> dimensions, with optional affine weight and bias.</summary>
public sealed class LayerNorm : Layer
{
    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true,
        Device? device = null, ScalarType dtype = ScalarType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, bias, device, dtype) { }

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true,
        Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0) throw new ArgumentException("normalized shape must have at least one dimension", nameof(normalizedShape));
        NormalizedShape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            RegisterParameter("weight", Torch.Ones(NormalizedShape, dtype, device));
            if (bias) RegisterParameter("bias", Torch.Zeros(NormalizedShape, dtype, device));
        }
    }

    public long[] NormalizedShape { get; }
    public double Eps { get; }
    public Tensor? Weight => GetParameter("weight");
    public Tensor? Bias => GetParameter("bias");

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    protected override string ExtraDescription() => $"[{string.Join(", ", NormalizedShape)}], eps={Eps}";
}

/// <summary>
/// Batch normalisation over the channel dimension (1). In training mode it normalises with the batch
/// statistics and updates <c>running_mean</c>/<c>running_var</c> (exponential average with
/// <see cref="Momentum"/>, or a cumulative average when momentum is null) and counts
/// <c>num_batches_tracked</c>; in evaluation mode it uses the running statistics.
/// </summary>
public abstract class BatchNorm : Layer
{
    protected BatchNorm(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, Device? device, ScalarType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            RegisterParameter("weight", Torch.Ones([numFeatures], dtype, device));
            RegisterParameter("bias", Torch.Zeros([numFeatures], dtype, device));
        }
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", Torch.Zeros([numFeatures], dtype, device));
            RegisterBuffer("running_var", Torch.Ones([numFeatures], dtype, device));
            RegisterBuffer("num_batches_tracked", Torch.Zeros([], ScalarType.Int64, device));
        }
    }

    public long NumFeatures { get; }
    public double Eps { get; }
    /// <summary>Weight of the new batch in the running averages (null: cumulative average).</summary>
    public double? Momentum { get; set; }
    public bool TrackRunningStats { get; }
    public Tensor? Weight => GetParameter("weight");
    public Tensor? Bias => GetParameter("bias");
    public Tensor? RunningMean => GetBuffer("running_mean");
    public Tensor? RunningVar => GetBuffer("running_var");
    public Tensor? NumBatchesTracked => GetBuffer("num_batches_tracked");

    /// <summary>Accepted ranks of the input, for the error message.</summary>
    protected abstract int[] AcceptedDims { get; }

    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int dim = input.Dim;
        if (Array.IndexOf(AcceptedDims, dim) < 0)
            throw new ArgumentException($"{GetType().Name} expects a {string.Join("-d or ", AcceptedDims)}-d input, got shape [{string.Join(", ", input.Shape)}]", nameof(input));
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}({NumFeatures}) got {input.Size(1)} channels in input of shape [{string.Join(", ", input.Shape)}]", nameof(input));

        double factor = Momentum ?? 0.0;
        if (IsTraining && TrackRunningStats)
        {
            var count = NumBatchesTracked!;
            using (Torch.NoGrad()) Op.Get("aten::add_", "Scalar").CallVoid(count, 1L);
            if (Momentum is null) factor = 1.0 / count.Item<long>();
        }
        bool useBatchStats = IsTraining || !TrackRunningStats;
        bool passRunning = !IsTraining || TrackRunningStats;
        return Functional.BatchNorm(input, passRunning ? RunningMean : null, passRunning ? RunningVar : null, Weight, Bias,
            useBatchStats, factor, Eps);
    }

    /// <summary>Running mean 0, variance 1 and a zero batch count.</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        using (Torch.NoGrad())
        {
            RunningMean!.Zero_();
            RunningVar!.Fill_(1);
            NumBatchesTracked!.Zero_();
        }
    }

    protected override string ExtraDescription() =>
        $"{NumFeatures}, eps={Eps}, momentum={(Momentum is { } m ? m.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}, affine={Weight is not null}, track_running_stats={TrackRunningStats}";
}

/// <summary>Batch norm for [N, C] or [N, C, L] inputs.</summary>
public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    Device? device = null, ScalarType dtype = ScalarType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    protected override int[] AcceptedDims => [2, 3];
}

/// <summary>Batch norm for [N, C, H, W] inputs.</summary>
public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    Device? device = null, ScalarType dtype = ScalarType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, device, dtype)
{
    protected override int[] AcceptedDims => [4];
}
