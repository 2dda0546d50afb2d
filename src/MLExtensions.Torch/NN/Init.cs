namespace MLExtensions.Torch.NN;

/// <summary>
/// In-place parameter initialisers (torch.nn.init). They run without autograd and draw from the global
/// generator unless one is given, so <see cref="Torch.ManualSeed"/> makes them reproducible.
/// </summary>
public static class Init
{
    /// <summary>(fan_in, fan_out) of a weight shaped [out, in, k...] like torch's convention.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        if (shape.Length < 2) throw new ArgumentException($"fan in/out need a tensor with at least 2 dimensions, got [{string.Join(", ", shape)}]", nameof(tensor));
        long receptive = 1;
        for (int i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    public static Tensor Uniform_(Tensor tensor, double low, double high, Generator? generator = null)
    {
        using (Torch.NoGrad()) return tensor.Uniform_(low, high, generator);
    }

    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using (Torch.NoGrad()) return tensor.Normal_(mean, std, generator);
    }

    public static Tensor Constant_(Tensor tensor, double value)
    {
        using (Torch.NoGrad()) return tensor.Fill_(value);
    }

    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// Kaiming (He) uniform: U(-b, b) with b = gain * sqrt(3 / fan_in) and gain = sqrt(2 / (1 + a^2)).
    /// The default a = sqrt(5) is torch's Linear/Conv default, which gives b = 1 / sqrt(fan_in).
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 2.23606797749979, Generator? generator = null)
    {
        var (fanIn, _) = Fans(tensor);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double bound = fanIn == 0 ? 0 : gain * Math.Sqrt(3.0 / fanIn);
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>Xavier (Glorot) uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        double bound = fanIn + fanOut == 0 ? 0 : gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>Xavier (Glorot) normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1.0, Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        double std = fanIn + fanOut == 0 ? 0 : gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }
}
