namespace MLExtensions.Torch.NN;

/// <summary>Zeroes elements with probability <see cref="P"/> in training mode and scales the rest by 1/(1-p); identity in evaluation mode.</summary>
public sealed class Dropout : Layer
{
    public Dropout(double p = 0.5)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        P = p;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) =>
        IsTraining && P > 0 ? Functional.Dropout(input, P, true) : input.Alias();

    protected override string ExtraDescription() => $"p={P}";
}

/// <summary>Returns its input (a new handle to the same tensor).</summary>
public sealed class Identity : Layer
{
    public override Tensor Forward(Tensor input) => input.Alias();
}

public sealed class ReLU : Layer
{
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>GELU, exact (erf) by default or the tanh approximation.</summary>
public sealed class GELU(bool tanhApproximation = false) : Layer
{
    public bool TanhApproximation { get; } = tanhApproximation;
    public override Tensor Forward(Tensor input) => input.Gelu(TanhApproximation);
    protected override string ExtraDescription() => TanhApproximation ? "approximate='tanh'" : "";
}

public sealed class Tanh : Layer
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

public sealed class Sigmoid : Layer
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Flattens dimensions <c>startDim..endDim</c> (by default everything but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Layer
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
    protected override string ExtraDescription() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>2-d max pooling over [N, C, H, W] with a square window (stride defaults to the window).</summary>
public sealed class MaxPool2d : Layer
{
    public MaxPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        if (stride is <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be positive");
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; CeilMode = ceilMode;
    }

    public long KernelSize { get; }
    public long Stride { get; }
    public long Padding { get; }
    public bool CeilMode { get; }

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, CeilMode);

    protected override string ExtraDescription() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, ceil_mode={CeilMode}";
}
