using System.Diagnostics;
using MLExtensions.Torch;

namespace MLExtensions.Bench;

/// <summary>The engine's side of the side-by-side cases in eng/bench/torch_peer.py (same shapes, same counts).</summary>
internal static class EngineCases
{
    internal static double Median(Func<double> run, int repeats)
    {
        var values = Enumerable.Range(0, repeats).Select(_ => run()).OrderBy(v => v).ToArray();
        return values[values.Length / 2];
    }

    /// <summary>Microseconds per small op (x + x on 4 floats), result freed at once like Python's refcount.</summary>
    public static double PerOp(int repeats)
    {
        using var x = torch.Ones([4]);
        double Run()
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 10_000; i++)
            {
                using var y = x + x;
            }
            return sw.Elapsed.TotalMicroseconds / 10_000;
        }
        for (int i = 0; i < 3; i++) Run();
        return Median(Run, repeats);
    }

    /// <summary>GFLOP/s of a 1024 x 1024 float32 matmul.</summary>
    public static double Matmul(int repeats)
    {
        using var a = torch.Randn([1024, 1024]);
        using var b = torch.Randn([1024, 1024]);
        for (int i = 0; i < 3; i++) a.Matmul(b).Dispose();
        double Run()
        {
            const int n = 20;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++) a.Matmul(b).Dispose();
            return 2.0 * 1024 * 1024 * 1024 / (sw.Elapsed.TotalSeconds / n) / 1e9;
        }
        return Median(Run, repeats);
    }
}
