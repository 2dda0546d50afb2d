using MLExtensions.Torch;

namespace MLExtensions.Cli.Commands;

/// <summary>Runs a verb's body: expected failures print one clear line on stderr and exit 1, never a stack trace.</summary>
internal static class CommandRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException
                                       or InvalidOperationException or TorchException or UnauthorizedAccessException
                                       or NotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
