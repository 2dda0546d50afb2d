namespace MLExtensions.Data;

/// <summary>What a loader does with an empty or missing-value cell in a numeric column.</summary>
public enum MissingValuePolicy
{
    /// <summary>Load the cell as NaN (the default, like ML.NET).</summary>
    UseNaN,
    /// <summary>Fail with an error naming the file, line and column.</summary>
    Error,
    /// <summary>Leave the whole row out.</summary>
    SkipRow,
}
