namespace MLExtensions.Data;

/// <summary>How a CSV/TSV file is read. Numeric columns load as floats, the others as text.</summary>
public sealed class TextLoaderOptions
{
    /// <summary>The field separator; null picks a tab for .tsv/.tab files (also gzipped) and a comma otherwise.</summary>
    public char? Separator { get; set; }

    /// <summary>Whether the first line holds the column names (default true).</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Column names for a file without header (default Column0, Column1, ...). Ignored with a header.</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>The label column: kept as its own column when features are gathered. Null: no label.</summary>
    public string? LabelColumnName { get; set; }

    /// <summary>When true, every numeric column except the label is gathered, in file order, into one float vector column.</summary>
    public bool GatherNumericFeatures { get; set; }

    /// <summary>The name of the gathered vector column (default "Features"); its slot names are the source column names.</summary>
    public string FeaturesColumnName { get; set; } = "Features";

    /// <summary>Columns always loaded as text, whatever they contain.</summary>
    public IReadOnlyCollection<string>? TextColumns { get; set; }

    /// <summary>Columns always loaded as numbers: a cell that is not a number is an error naming the line.</summary>
    public IReadOnlyCollection<string>? NumericColumns { get; set; }

    /// <summary>Columns left out of the result.</summary>
    public IReadOnlyCollection<string>? IgnoreColumns { get; set; }

    /// <summary>What an empty or missing numeric cell becomes (default NaN).</summary>
    public MissingValuePolicy MissingValues { get; set; } = MissingValuePolicy.UseNaN;

    /// <summary>Cells that mean "missing" in a numeric column (compared ignoring case and surrounding spaces).</summary>
    public IReadOnlyCollection<string> MissingValueTokens { get; set; } = ["", "NA", "N/A", "NaN", "?"];

    /// <summary>
    /// How many data rows decide which columns are numeric (default 1000). A column is numeric when most of its
    /// non-missing cells in those rows are numbers; a later cell that is not a number is then an error.
    /// </summary>
    public int TypeInferenceRows { get; set; } = 1000;

    /// <summary>Whether double quotes enclose fields (RFC 4180: separators and line breaks inside, "" for a quote). Default true.</summary>
    public bool AllowQuoting { get; set; } = true;
}
