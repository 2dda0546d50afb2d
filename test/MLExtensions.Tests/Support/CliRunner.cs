using MLExtensions.Cli.Commands.Classifier;

namespace MLExtensions.Tests.Support;

/// <summary>Runs the mlext CLI in-process, capturing what it writes.</summary>
internal static class CliRunner
{
    /// <summary>Runs the CLI with <paramref name="args"/>; returns its exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var entry = typeof(ScoreCommand).Assembly.EntryPoint ?? throw new InvalidOperationException("the CLI has no entry point");
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Environment.SetEnvironmentVariable("CI", "1");
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = (int)entry.Invoke(null, [args])!;
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
