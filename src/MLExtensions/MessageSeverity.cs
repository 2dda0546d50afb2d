namespace MLExtensions;

/// <summary>How important a log message is.</summary>
public enum MessageSeverity
{
    /// <summary>Detail useful when diagnosing a problem.</summary>
    Trace = 0,
    /// <summary>Normal progress information.</summary>
    Info = 1,
    /// <summary>Something unexpected that the library worked around (for example a CPU fallback).</summary>
    Warning = 2,
    /// <summary>A failure.</summary>
    Error = 3,
}
