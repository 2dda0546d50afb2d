using System.Reflection;
using System.Runtime.InteropServices;

namespace MLExtensions.Torch.Interop;

/// <summary>
/// Finds libmlext_native.so: MLEXT_NATIVE_LIB, next to the assemblies, then build/native of the source tree.
/// A failure names the file that is missing (ours or a dependency such as libtorch) and the set-up command.
/// </summary>
internal static class NativeLoader
{
    private const string FileName = "libmlext_native.so";
    private static int _registered;
    private static IntPtr _handle;

    internal static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != NativeMethods.Lib) return IntPtr.Zero;
        if (_handle != IntPtr.Zero) return _handle;
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (!File.Exists(candidate)) continue;
            try
            {
                _handle = NativeLibrary.Load(candidate);
                ApplyDefaultThreads(_handle);
                TuneAllocator(_handle);
                return _handle;
            }
            catch (DllNotFoundException e)
            {
                // The runtime's message ends with the loader's own line (e.g. "libtorch_cpu.so.1.13: cannot open shared object file").
                var reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.Message;
                throw new TorchSetupException(
                    $"{candidate} exists but could not be loaded ({reason}). A dependency (libtorch, OpenCV or OpenBLAS) " +
                    "is missing or was built for another libtorch; run eng/setup.sh (Debian: installs libtorch-dev, " +
                    "libopencv-dev, libopenblas0-pthread and rebuilds the native layer).", e);
            }
        }
        throw new TorchSetupException(
            $"{FileName} not found (looked in: {string.Join(", ", tried)}). Build it with eng/setup.sh " +
            "or point MLEXT_NATIVE_LIB at it.");
    }

    /// <summary>Intra-op threads default to MLEXT_NUM_THREADS, else every core (set once, when the library loads).</summary>
    private static unsafe void ApplyDefaultThreads(IntPtr library)
    {
        var env = Environment.GetEnvironmentVariable("MLEXT_NUM_THREADS");
        int n = int.TryParse(env, out var v) && v > 0 ? v : Environment.ProcessorCount;
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "mlx_set_num_threads");
        setThreads(n);
    }

    /// <summary>
    /// Keeps large tensor buffers on glibc's heap for reuse instead of mapping them afresh every step (see
    /// mlx_tune_allocator). Skipped when the user set glibc's own MALLOC_MMAP_THRESHOLD_ or MLEXT_MALLOC_TUNING=0.
    /// </summary>
    private static unsafe void TuneAllocator(IntPtr library)
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") != null) return;
        if (Environment.GetEnvironmentVariable("MLEXT_MALLOC_TUNING") == "0") return;
        var tune = (delegate* unmanaged<long, long, int>)NativeLibrary.GetExport(library, "mlx_tune_allocator");
        tune(32L << 20, 64L << 20); // glibc's own upper bound for the dynamic mmap threshold, and twice that for trim
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("MLEXT_NATIVE_LIB");
        if (!string.IsNullOrEmpty(env)) yield return Path.GetFullPath(env);
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            var built = Path.Combine(dir.FullName, "build", "native", FileName);
            if (File.Exists(built)) { yield return built; yield break; }
            dir = dir.Parent;
        }
    }
}
