using System.CommandLine;
using MLExtensions.Torch;

namespace MLExtensions.Cli.Commands;

/// <summary><c>mlext env</c>: what the native layer found (libtorch, threads, CUDA).</summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var cmd = new Command("env", "Show the libtorch version, thread count and CUDA devices");
        cmd.SetAction(_ => CommandRunner.Run(() =>
        {
            Console.WriteLine($"native: {torch.Version()}");
            Console.WriteLine($"threads: {torch.NumThreads}");
            int n = Cuda.IsAvailable() ? Cuda.DeviceCount() : 0;
            Console.WriteLine($"cuda devices: {n}");
            for (int i = 0; i < n; i++)
            {
                var (free, total) = Cuda.MemoryInfo(i);
                Console.WriteLine($"  cuda:{i}: {free >> 20} MiB free of {total >> 20} MiB");
            }
            return 0;
        }));
        return cmd;
    }
}
