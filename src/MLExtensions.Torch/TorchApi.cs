using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>
/// Tensor creation, combination and the process-wide runtime (seed, threads, grad mode). Lower-case like
/// TorchSharp's <c>torch</c>, which also keeps it from clashing with the <c>MLExtensions.Torch</c> namespace.
/// </summary>
#pragma warning disable CS8981 // lower-case on purpose, see above
public static class torch
#pragma warning restore CS8981
{
    // ---- runtime --------------------------------------------------------------------------------

    /// <summary>Seeds the global generator of the CPU and of every CUDA device.</summary>
    public static void ManualSeed(ulong seed) => NativeMethods.Check(NativeMethods.mlx_manual_seed(seed));

    /// <summary>Intra-op threads (default: MLEXT_NUM_THREADS, else every core).</summary>
    public static int NumThreads
    {
        get { NativeMethods.Check(NativeMethods.mlx_get_num_threads(out var n)); return n; }
        set => NativeMethods.Check(NativeMethods.mlx_set_num_threads(value));
    }

    /// <summary>Ensures the native layer is loaded; throws <see cref="TorchSetupException"/> naming what is missing.</summary>
    public static string Version()
    {
        NativeMethods.Check(NativeMethods.mlx_version(out var text));
        return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(text) ?? "";
    }

    public static bool IsGradEnabled
    {
        get { NativeMethods.Check(NativeMethods.mlx_grad_enabled(out var r)); return r != 0; }
        set => NativeMethods.Check(NativeMethods.mlx_set_grad_enabled(value ? 1 : 0));
    }

    /// <summary>Disables autograd on this thread until disposed (<c>using (torch.NoGrad()) { ... }</c>).</summary>
    public static GradModeGuard NoGrad() => new(false);
    public static GradModeGuard EnableGrad() => new(true);

    /// <summary>Opens a dispose scope (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => DisposeScope.Begin();

    // ---- creation -------------------------------------------------------------------------------

    private static Arg Dt(ScalarType? d) => Arg.From(d).Named("dtype");
    private static Arg Dev(Device? d) => (d.HasValue ? (Arg)d.Value : Arg.None).Named("device");

    public static Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::zeros").Call(shape, Dt(dtype), Dev(device));
    public static Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::ones").Call(shape, Dt(dtype), Dev(device));
    public static Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::empty", "memory_format").Call(shape, Dt(dtype), Dev(device));
    public static Tensor Full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::full").Call(shape, value, Dt(dtype), Dev(device));
    public static Tensor Eye(long n, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::eye").Call(n, Dt(dtype), Dev(device));

    /// <summary>[start, end) with step; integer dtype by default like torch.arange on ints.</summary>
    public static Tensor Arange(long start, long end, long step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        Op.Get("aten::arange", "start_step").Call(start, end, step, Dt(dtype), Dev(device));
    public static Tensor Arange(long end, ScalarType dtype = ScalarType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);
    public static Tensor Arange(double start, double end, double step, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::arange", "start_step").Call(start, end, step, Dt(dtype), Dev(device));
    public static Tensor Linspace(double start, double end, long steps, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::linspace").Call(start, end, steps, Dt(dtype), Dev(device));

    /// <summary>Uniform [0, 1). With <paramref name="generator"/> the draw is independent of the global seed.</summary>
    public static Tensor Rand(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        generator is null ? Op.Get("aten::rand").Call(shape, Dt(dtype), Dev(device))
                          : Op.Get("aten::rand", "generator").Call(shape, generator, Dt(dtype), Dev(device));

    /// <summary>Standard normal.</summary>
    public static Tensor Randn(long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        generator is null ? Op.Get("aten::randn").Call(shape, Dt(dtype), Dev(device))
                          : Op.Get("aten::randn", "generator").Call(shape, generator, Dt(dtype), Dev(device));

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor Randint(long low, long high, long[] shape, Generator? generator = null, ScalarType dtype = ScalarType.Int64, Device? device = null) =>
        generator is null ? Op.Get("aten::randint", "low").Call(low, high, shape, Dt(dtype), Dev(device))
                          : Op.Get("aten::randint", "low_generator").Call(low, high, shape, generator, Dt(dtype), Dev(device));

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor Randperm(long n, Generator? generator = null, Device? device = null) =>
        generator is null ? Op.Get("aten::randperm").Call(n, Dt(ScalarType.Int64), Dev(device))
                          : Op.Get("aten::randperm", "generator").Call(n, generator, Dt(ScalarType.Int64), Dev(device));

    public static Tensor ZerosLike(Tensor t) => Op.Get("aten::zeros_like").Call(t);
    public static Tensor OnesLike(Tensor t) => Op.Get("aten::ones_like").Call(t);
    public static Tensor FullLike(Tensor t, double value) => Op.Get("aten::full_like").Call(t, value);
    public static Tensor RandnLike(Tensor t) => Op.Get("aten::randn_like").Call(t);
    public static Tensor RandLike(Tensor t) => Op.Get("aten::rand_like").Call(t);

    /// <summary>A CPU tensor copied from host data (shape defaults to 1-d).</summary>
    public static Tensor Tensor<T>(T[] data, params long[] shape) where T : unmanaged => MLExtensions.Torch.Tensor.From(data, shape);
    public static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Op.Get("aten::full").Call(Array.Empty<long>(), value, Dt(dtype), Dev(device));

    // ---- combination ----------------------------------------------------------------------------

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0) => Op.Get("aten::cat").Call(tensors.ToArray(), dim);
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0) => Op.Get("aten::stack").Call(tensors.ToArray(), dim);
    public static Tensor Where(Tensor condition, Tensor x, Tensor y) => Op.Get("aten::where", "self").Call(condition, x, y);
    public static Tensor Where(Tensor condition, Tensor x, double y) => Op.Get("aten::where", "ScalarOther").Call(condition, x, y);
    public static Tensor Maximum(Tensor a, Tensor b) => Op.Get("aten::maximum").Call(a, b);
    public static Tensor Minimum(Tensor a, Tensor b) => Op.Get("aten::minimum").Call(a, b);
    public static Tensor Matmul(Tensor a, Tensor b) => a.Matmul(b);
    public static Tensor Bmm(Tensor a, Tensor b) => a.Bmm(b);
    public static Tensor Outer(Tensor a, Tensor b) => Op.Get("aten::outer").Call(a, b);
    /// <summary>Pairwise p-norm distances between the rows of x1 [.., P, M] and x2 [.., R, M].</summary>
    public static Tensor Cdist(Tensor x1, Tensor x2, double p = 2.0) => Op.Get("aten::cdist").Call(x1, x2, p);
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8) =>
        Op.Get("aten::cosine_similarity").Call(x1, x2, dim, eps);
    public static Tensor Addmm(Tensor input, Tensor a, Tensor b, double beta = 1, double alpha = 1) =>
        Op.Get("aten::addmm").Call(input, a, b, ((Arg)beta).Named("beta"), ((Arg)alpha).Named("alpha"));
}

/// <summary>Restores the previous grad mode when disposed.</summary>
public readonly struct GradModeGuard : IDisposable
{
    private readonly bool _previous;
    internal GradModeGuard(bool enabled)
    {
        _previous = torch.IsGradEnabled;
        torch.IsGradEnabled = enabled;
    }
    public void Dispose() => torch.IsGradEnabled = _previous;
}
