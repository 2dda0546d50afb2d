using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>CUDA queries. All answer "none" on a CPU-only libtorch rather than failing.</summary>
public static class Cuda
{
    public static bool IsAvailable() { NativeMethods.Check(NativeMethods.mlx_cuda_is_available(out var r)); return r != 0; }
    public static int DeviceCount() { NativeMethods.Check(NativeMethods.mlx_cuda_device_count(out var r)); return r; }

    /// <summary>Free and total memory of a device in bytes.</summary>
    public static (long Free, long Total) MemoryInfo(int device = 0)
    {
        NativeMethods.Check(NativeMethods.mlx_cuda_memory(device, out var free, out var total));
        return (free, total);
    }

    public static void Synchronize(int device = 0) => NativeMethods.Check(NativeMethods.mlx_cuda_synchronize(device));
}
