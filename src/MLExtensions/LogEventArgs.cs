namespace MLExtensions;

/// <summary>One message raised through <see cref="MLExtContext.Log"/>.</summary>
public sealed class LogEventArgs : EventArgs
{
    /// <summary>Creates a log message.</summary>
    public LogEventArgs(MessageSeverity severity, string source, string message)
    {
        Severity = severity;
        Source = source;
        Message = message;
    }

    /// <summary>How important the message is.</summary>
    public MessageSeverity Severity { get; }

    /// <summary>The component or helper that wrote the message (for example "Device" or "TrainingLoop").</summary>
    public string Source { get; }

    /// <summary>The text of the message.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"[{Severity}] {Source}: {Message}";
}
