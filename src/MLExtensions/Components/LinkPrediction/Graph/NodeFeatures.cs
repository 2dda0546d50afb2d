using MLExtensions.Data;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// A node-feature table: one row of numbers per node name. Read from a CSV/TSV with a header (plain or gzipped):
/// the id column (the first one unless named) holds node names, every other column must be numeric; a cell that is
/// not a number or is empty is refused with an error naming file, line and column; a repeated node name is refused.
/// </summary>
public sealed class NodeFeatures
{
    private readonly Dictionary<string, int> _rows;

    /// <summary>Rows <paramref name="values"/> (row-major, <c>ids.Count × columns.Count</c>) for <paramref name="ids"/>.</summary>
    public NodeFeatures(IReadOnlyList<string> ids, IReadOnlyList<string> columns, float[] values, string source = "node features")
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (columns.Count == 0) throw new ArgumentException($"{source}: no feature columns", nameof(columns));
        if (values.Length != (long)ids.Count * columns.Count)
            throw new ArgumentException($"{source}: {values.Length} values for {ids.Count} nodes × {columns.Count} columns", nameof(values));
        _rows = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i])) throw new ArgumentException($"{source} row {i + 1}: the node id is empty");
            if (!_rows.TryAdd(ids[i], i)) throw new ArgumentException($"{source} row {i + 1}: node '{ids[i]}' repeats row {_rows[ids[i]] + 1}");
        }
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{source}: node '{ids[i / columns.Count]}', column '{columns[i % columns.Count]}' is {values[i]} (features must be finite numbers)");
        Ids = ids.ToArray();
        Columns = columns.ToArray();
        Values = values;
        Source = source;
    }

    /// <summary>Node names, one per row.</summary>
    public IReadOnlyList<string> Ids { get; }
    /// <summary>Feature column names.</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>Row-major values [nodes × columns].</summary>
    public float[] Values { get; }
    /// <summary>Where the table came from, for messages.</summary>
    public string Source { get; }
    /// <summary>Number of nodes.</summary>
    public int Count => Ids.Count;
    /// <summary>Number of feature columns.</summary>
    public int Width => Columns.Count;

    /// <summary>The row of node <paramref name="id"/>, or -1.</summary>
    public int RowOf(string id) => _rows.TryGetValue(id, out var r) ? r : -1;

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);

    /// <summary>Reads a CSV/TSV with a header; <paramref name="idColumn"/> (default: the first column) holds node names.</summary>
    /// <exception cref="DataLoadException">A non-numeric or empty feature cell (file, line, column named).</exception>
    public static NodeFeatures Read(string path, string? idColumn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"node-feature file not found: {path}", path);
        var name = Path.GetFileName(path);
        var catalog = new MLExtContext().Data;
        var header = catalog.InferTextFileSchema(path, new TextLoaderOptions { TypeInferenceRows = 1 }).Select(c => c.Name).ToList();
        var id = idColumn ?? header[0];
        if (!header.Contains(id))
            throw new DataLoadException(name, 1, id, $"no id column '{id}'; the header has {string.Join(", ", header.Take(8))}{(header.Count > 8 ? ", ..." : "")}");
        var featureColumns = header.Where(h => h != id).ToList();
        if (featureColumns.Count == 0) throw new DataLoadException(name, 1, null, "no feature column besides the id column");
        var batch = catalog.LoadFromTextFile(path, new TextLoaderOptions
        {
            TextColumns = [id],
            NumericColumns = featureColumns,
            MissingValues = MissingValuePolicy.Error,
        });
        var ids = batch.GetColumn<StringColumn>(id).Values.ToArray();
        var values = new float[(long)ids.Length * featureColumns.Count];
        for (int c = 0; c < featureColumns.Count; c++)
        {
            var col = batch.GetColumn<FloatColumn>(featureColumns[c]).Values.Span;
            for (int r = 0; r < ids.Length; r++) values[(long)r * featureColumns.Count + c] = col[r];
        }
        return new NodeFeatures(ids, featureColumns, values, name);
    }
}
