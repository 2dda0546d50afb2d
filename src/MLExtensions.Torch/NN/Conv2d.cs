namespace MLExtensions.Torch.NN;

/// <summary>
/// 2-d convolution over [N, C, H, W] with a square kernel; weight [out, in / groups, k, k].
/// Initialised like torch: weight and bias uniform in ±1/sqrt(fan_in), fan_in = in / groups * k * k.
/// </summary>
public sealed class Conv2d : Layer
{
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1,
        bool bias = true, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dilation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})", nameof(groups));
        InChannels = inChannels; OutChannels = outChannels; KernelSize = kernelSize;
        Stride = stride; Padding = padding; Dilation = dilation; Groups = groups;

        var w = Torch.Empty([outChannels, inChannels / groups, kernelSize, kernelSize], dtype, device);
        Init.KaimingUniform_(w);
        RegisterParameter("weight", w);
        if (bias)
        {
            long fanIn = inChannels / groups * kernelSize * kernelSize;
            double bound = 1.0 / Math.Sqrt(fanIn);
            var b = Torch.Empty([outChannels], dtype, device);
            Init.Uniform_(b, -bound, bound);
            RegisterParameter("bias", b);
        }
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Stride { get; }
    public long Padding { get; }
    public long Dilation { get; }
    public long Groups { get; }
    public Tensor Weight => GetParameter("weight")!;
    public Tensor? Bias => GetParameter("bias");

    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    protected override string ExtraDescription() =>
        $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}, padding={Padding}" +
        (Dilation != 1 ? $", dilation={Dilation}" : "") + (Groups != 1 ? $", groups={Groups}" : "") + (Bias is null ? ", bias=False" : "");
}
