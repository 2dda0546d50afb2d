namespace MLExtensions.Torch;

/// <summary>An error raised by libtorch (wrong shape, dtype, device...). The native process stays usable.</summary>
public class TorchException : Exception
{
    public TorchException(string message) : base(message) { }
    public TorchException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The native layer or one of its dependencies could not be loaded.</summary>
public sealed class TorchSetupException : TorchException
{
    public TorchSetupException(string message, Exception? inner = null) : base(message, inner ?? new Exception(message)) { }
}
