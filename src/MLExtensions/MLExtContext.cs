using MLExtensions.Data;
using MLExtensions.Torch;

namespace MLExtensions;

/// <summary>
/// The starting point of every pipeline, like ML.NET's MLContext: it holds the seed, the device choice,
/// the log and the catalogs (<see cref="Data"/>). Create one per application or per experiment.
/// </summary>
/// <remarks>
/// With a <see cref="Seed"/>, the constructor seeds libtorch's global generator and a <see cref="System.Random"/>
/// used for data shuffling, so two runs with the same seed and the same data make the same model.
/// The context is not thread-safe; use one per thread (models it produces can be shared).
/// </remarks>
public sealed class MLExtContext
{
    private readonly object _deviceLock = new();
    private int? _gpuDeviceId;
    private bool _fallbackToCpu = true;
    private Device? _resolved;

    /// <summary>Creates a context. <paramref name="seed"/> makes training and shuffling repeatable.</summary>
    public MLExtContext(int? seed = null)
    {
        Seed = seed;
        Random = seed.HasValue ? new Random(seed.Value) : new Random();
        if (seed.HasValue) torch.ManualSeed(unchecked((ulong)seed.Value));
        Data = new DataCatalog(this);
    }

    /// <summary>The seed given at construction, or null for a non-repeatable context.</summary>
    public int? Seed { get; }

    /// <summary>The generator used for data shuffling and splitting (seeded by <see cref="Seed"/>). Not thread-safe.</summary>
    public Random Random { get; }

    /// <summary>Loaders, writers and splitters for <see cref="DataBatch"/>.</summary>
    public DataCatalog Data { get; }

    /// <summary>
    /// The CUDA device to compute on, or null (the default) for the CPU. When the GPU cannot be used,
    /// <see cref="FallbackToCpu"/> decides between running on the CPU and failing.
    /// </summary>
    public int? GpuDeviceId
    {
        get => _gpuDeviceId;
        set
        {
            if (value is < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "a GPU device id is 0 or more");
            lock (_deviceLock) { _gpuDeviceId = value; _resolved = null; }
        }
    }

    /// <summary>
    /// When true (the default), asking for a GPU that is not there runs on the CPU and logs a warning once;
    /// when false, <see cref="ResolveDevice"/> throws.
    /// </summary>
    public bool FallbackToCpu
    {
        get => _fallbackToCpu;
        set { lock (_deviceLock) { _fallbackToCpu = value; _resolved = null; } }
    }

    /// <summary>Raised for every message the library writes (device fallback, training progress notes, ...).</summary>
    public event EventHandler<LogEventArgs>? Log;

    /// <summary>
    /// The device work runs on: <see cref="Device.CPU"/> without <see cref="GpuDeviceId"/>, otherwise that CUDA
    /// device when it exists. The answer is computed once per setting; a fallback is logged once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The GPU is not usable and <see cref="FallbackToCpu"/> is false.</exception>
    public Device ResolveDevice()
    {
        string? warning;
        Device device;
        lock (_deviceLock)
        {
            if (_resolved is { } known) return known;
            (device, warning) = Resolve(_gpuDeviceId, _fallbackToCpu);
            _resolved = device;
        }
        if (warning != null) WriteLog(MessageSeverity.Warning, "Device", warning);
        return device;
    }

    private static (Device Device, string? Warning) Resolve(int? gpu, bool fallback)
    {
        if (gpu is not int id) return (Device.CPU, null);
        string? problem = null;
        if (!Cuda.IsAvailable())
            problem = $"GPU {id} was requested (GpuDeviceId = {id}) but CUDA is not available: this libtorch has no CUDA support or no GPU is visible";
        else
        {
            int count = Cuda.DeviceCount();
            if (id >= count)
                problem = $"GPU {id} was requested (GpuDeviceId = {id}) but only {count} CUDA device(s) exist (ids 0..{count - 1})";
        }
        if (problem is null) return (Device.CUDA(id), null);
        if (!fallback)
            throw new InvalidOperationException($"{problem}. Set FallbackToCpu = true to run on the CPU instead, or clear GpuDeviceId.");
        return (Device.CPU, $"{problem}; running on the CPU instead.");
    }

    /// <summary>A fresh seed drawn from <see cref="Random"/>, for components that need their own generator.</summary>
    public int NextSeed() => Random.Next();

    /// <summary>Raises <see cref="Log"/>. Components use this; applications subscribe to <see cref="Log"/>.</summary>
    public void WriteLog(MessageSeverity severity, string source, string message) =>
        Log?.Invoke(this, new LogEventArgs(severity, source, message));
}
