using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>A seeded random generator, independent of the global one (pass it to Rand/Randn/Randint/Dropout...).</summary>
public sealed class Generator : IDisposable
{
    private IntPtr _handle;

    public Generator(ulong seed, Device? device = null)
    {
        var d = device ?? Device.CPU;
        NativeMethods.Check(NativeMethods.mlx_generator_create(seed, (int)d.Type, d.Index, out _handle));
        Device = d;
    }

    public Device Device { get; }

    internal IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(nameof(Generator));

    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero) NativeMethods.mlx_generator_free(h);
        GC.SuppressFinalize(this);
    }

    ~Generator() { Dispose(); }
}
