using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary>
/// The CSV convention of the classifier verbs: a header row, a label column (text; may be absent or empty), optional
/// teacher columns <c>NAME.&lt;class&gt;</c>, a PredictedLabel column (ignored), and numeric feature columns (all the others, in file order), gathered
/// into one feature vector whose slot names are the column names.
/// </summary>
internal static class ClassifierCsv
{
    public const int StreamBatchRows = 4096;

    /// <summary>A column the score verb writes; skipped on input so a scored CSV can feed <c>distill --teacher-column Score</c>.</summary>
    public const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>Loader options: the label column (when the file has one) is read as text, so numeric class names stay names.</summary>
    public static TextLoaderOptions LoaderOptions(MLExtContext ctx, string path, string label)
    {
        bool hasLabel = ctx.Data.InferTextFileSchema(path).Contains(label);
        return new TextLoaderOptions { TextColumns = hasLabel ? [label] : [], MissingValues = MissingValuePolicy.UseNaN };
    }

    /// <summary>Reads a whole file into one batch of Features (+ label, + teacher vector when asked).</summary>
    public static DataBatch Load(MLExtContext ctx, string path, string label, string featureColumn = "Features", string? teacherPrefix = null)
    {
        var raw = ctx.Data.LoadFromTextFile(RequireFile(path), LoaderOptions(ctx, path, label));
        return Assemble(raw, path, label, featureColumn, teacherPrefix);
    }

    /// <summary>Streams a file in assembled batches of <see cref="StreamBatchRows"/> rows (constant memory).</summary>
    /// <remarks>Each item carries the number of its first data row, for error messages.</remarks>
    public static IEnumerable<(DataBatch Batch, long FirstRow)> Stream(MLExtContext ctx, string path, string label, string featureColumn)
    {
        long row = 0;
        foreach (var raw in ctx.Data.ReadTextFile(RequireFile(path), StreamBatchRows, LoaderOptions(ctx, path, label)))
        {
            yield return (Assemble(raw, path, label, featureColumn, null), row);
            row += raw.RowCount;
        }
    }

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"file not found: {Path.GetFullPath(path)}", path);

    private static DataBatch Assemble(DataBatch raw, string path, string label, string featureColumn, string? teacherPrefix)
    {
        var features = new List<FloatColumn>();
        var teacher = new List<FloatColumn>();
        DataColumn? labelColumn = null;
        foreach (var column in raw.Columns)
        {
            if (column.Name == label) { labelColumn = column; continue; }
            if (column.Name == PredictedLabelColumn) continue;
            if (column is not FloatColumn f)
                throw new InvalidDataException($"{Path.GetFileName(path)}: column '{column.Name}' is not numeric (only the label column '{label}' may hold text)");
            if (teacherPrefix != null && column.Name.StartsWith(teacherPrefix + ".", StringComparison.Ordinal)) teacher.Add(f);
            else features.Add(f);
        }
        if (features.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)}: there are no numeric feature columns");
        var columns = new List<DataColumn> { Gather(featureColumn, features, null) };
        if (labelColumn != null) columns.Add(labelColumn);
        if (teacherPrefix != null)
        {
            if (teacher.Count == 0)
                throw new InvalidDataException($"{Path.GetFileName(path)}: no teacher columns '{teacherPrefix}.<class>' were found");
            columns.Add(Gather(teacherPrefix, teacher, teacherPrefix.Length + 1));
        }
        return new DataBatch(columns);
    }

    private static FloatVectorColumn Gather(string name, List<FloatColumn> parts, int? stripPrefix)
    {
        int rows = parts[0].RowCount, d = parts.Count;
        var values = new float[(long)rows * d];
        for (int j = 0; j < d; j++)
        {
            var span = parts[j].Values.Span;
            for (int r = 0; r < rows; r++) values[(long)r * d + j] = span[r];
        }
        var slots = parts.Select(p => stripPrefix is int n ? p.Name[n..] : p.Name).ToArray();
        return new FloatVectorColumn(name, values, d, slots);
    }

    /// <summary>The feature column a model reads: the first float-vector column of its input schema ("Features" if it has none).</summary>
    public static string FeatureColumnOf(string modelPath)
    {
        var schema = ModelFile.ReadInfo(modelPath).Manifest.InputSchema;
        return schema?.FirstOrDefault(c => c.Kind == ColumnKind.FloatVector)?.Name ?? "Features";
    }

    public static int[] ParseSizes(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        try
        {
            var sizes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            if (sizes.Any(s => s < 1)) throw new FormatException();
            return sizes;
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{option} takes positive widths separated by commas (for example 1200,1200), not '{text}'");
        }
    }
}
