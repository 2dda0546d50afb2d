namespace MLExtensions.Cli.Commands;

/// <summary>
/// Creates the <see cref="MLExtContext"/> of every command, applying the device choice: the root option
/// <c>--gpu N</c> (any command) or the environment variable <c>MLEXT_GPU=N</c>. A GPU asked for on the command line
/// must exist: no silent fallback to the CPU, the command fails naming the device.
/// </summary>
internal static class CliContext
{
    /// <summary>The CUDA device id given by <c>--gpu</c>; overrides <c>MLEXT_GPU</c>.</summary>
    public static int? GpuFromOption { get; set; }

    public static MLExtContext Create(int? seed = null)
    {
        var ctx = new MLExtContext(seed);
        if (GpuDevice() is int gpu)
        {
            ctx.GpuDeviceId = gpu;
            ctx.FallbackToCpu = false;
        }
        return ctx;
    }

    /// <summary>As <see cref="Create"/>, with the context's log (warnings, training notes) written to stderr.</summary>
    public static MLExtContext CreateWithLog(int? seed = null)
    {
        var ctx = Create(seed);
        ctx.Log += (_, e) => Console.Error.WriteLine($"[{e.Severity}] {e.Message}");
        return ctx;
    }

    /// <summary>The requested CUDA device, or null for the CPU.</summary>
    public static int? GpuDevice()
    {
        if (GpuFromOption is int fromOption) return fromOption;
        string? env = Environment.GetEnvironmentVariable("MLEXT_GPU");
        if (string.IsNullOrWhiteSpace(env)) return null;
        if (!int.TryParse(env, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
            throw new ArgumentException($"MLEXT_GPU='{env}' is not a CUDA device id (expected 0, 1, ...; unset it to run on the CPU)");
        return id;
    }
}
