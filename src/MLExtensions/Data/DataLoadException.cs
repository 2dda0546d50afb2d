namespace MLExtensions.Data;

/// <summary>A data file could not be read; the message names the file, the line and the column when known.</summary>
public sealed class DataLoadException : FormatException
{
    /// <summary>Creates the exception; the location is prefixed to <paramref name="problem"/>.</summary>
    public DataLoadException(string fileName, long? line, string? column, string problem, Exception? inner = null)
        : base(Format(fileName, line, column, problem), inner)
    {
        FileName = fileName;
        LineNumber = line;
        ColumnName = column;
    }

    /// <summary>The file name (without folder) the error is in.</summary>
    public string FileName { get; }

    /// <summary>The 1-based line number (the header is line 1), or null.</summary>
    public long? LineNumber { get; }

    /// <summary>The column the error is in, or null.</summary>
    public string? ColumnName { get; }

    private static string Format(string file, long? line, string? column, string problem)
    {
        var where = file;
        if (line != null) where += $" line {line}";
        if (column != null) where += $", column '{column}'";
        return $"{where}: {problem}";
    }
}
