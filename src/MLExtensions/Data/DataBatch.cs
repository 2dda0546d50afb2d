namespace MLExtensions.Data;

/// <summary>
/// The one table type of the pack: named, typed columns of equal length. Loaders produce it, estimators read it,
/// transformers return it with columns appended. It is immutable: every operation returns a new batch, and
/// <see cref="Slice"/> shares memory, so cutting a large batch into mini-batches is cheap.
/// </summary>
public sealed class DataBatch
{
    private readonly DataColumn[] _columns;
    private readonly Dictionary<string, int> _index;
    private DataSchema? _schema;

    /// <summary>Creates a batch; names must be unique and every column must have the same number of rows.</summary>
    public DataBatch(IEnumerable<DataColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.ToArray();
        _index = new Dictionary<string, int>(_columns.Length, StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            var c = _columns[i] ?? throw new ArgumentException("a column is null", nameof(columns));
            if (!_index.TryAdd(c.Name, i))
                throw new ArgumentException($"column '{c.Name}' appears twice in the batch", nameof(columns));
            if (c.RowCount != _columns[0].RowCount)
                throw new ArgumentException(
                    $"column '{c.Name}' has {c.RowCount} rows but column '{_columns[0].Name}' has {_columns[0].RowCount}", nameof(columns));
        }
        RowCount = _columns.Length == 0 ? 0 : _columns[0].RowCount;
    }

    /// <summary>Creates a batch from the given columns.</summary>
    public DataBatch(params DataColumn[] columns) : this((IEnumerable<DataColumn>)columns) { }

    /// <summary>A batch with no columns and no rows.</summary>
    public static DataBatch Empty { get; } = new(Array.Empty<DataColumn>());

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<DataColumn> Columns => _columns;

    /// <summary>Names, types and vector sizes of the columns.</summary>
    public DataSchema Schema => _schema ??= new DataSchema(_columns.Select(c => c.Schema));

    /// <summary>The column called <paramref name="name"/>; the error names it and lists the available columns.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public DataColumn this[string name] =>
        _index.TryGetValue(name, out var i) ? _columns[i] : throw new KeyNotFoundException(Schema.MissingColumnMessage(name));

    /// <summary>The column called <paramref name="name"/> as a specific column type, with a clear error when it is another type.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    /// <exception cref="ArgumentException">The column is of another type.</exception>
    public T GetColumn<T>(string name) where T : DataColumn
    {
        var column = this[name];
        return column as T ?? throw new ArgumentException(
            $"column '{name}' is {column.Schema.TypeDescription}; expected {KindName(typeof(T))}");
    }

    private static string KindName(Type t) =>
        t == typeof(FloatColumn) ? "Float" : t == typeof(FloatVectorColumn) ? "FloatVector" : t == typeof(KeyColumn) ? "Key" :
        t == typeof(TextColumn) ? "Text" : t == typeof(ImagePathColumn) ? "ImagePath" : t == typeof(StringColumn) ? "Text or ImagePath" : t.Name;

    /// <summary>Whether a column called <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>Looks a column up without throwing.</summary>
    public bool TryGetColumn(string name, out DataColumn column)
    {
        if (_index.TryGetValue(name, out var i)) { column = _columns[i]; return true; }
        column = null!;
        return false;
    }

    /// <summary>A batch with <paramref name="columns"/> added at the end (what transformers do).</summary>
    /// <exception cref="ArgumentException">A column of that name exists (use <see cref="WithColumn"/> to replace it) or the row count differs.</exception>
    public DataBatch Append(params DataColumn[] columns)
    {
        foreach (var c in columns)
        {
            if (Contains(c.Name))
                throw new ArgumentException($"the batch already has a column '{c.Name}'; use WithColumn to replace it or choose another output name");
            if (_columns.Length > 0 && c.RowCount != RowCount)
                throw new ArgumentException($"column '{c.Name}' has {c.RowCount} rows but the batch has {RowCount}");
        }
        return new DataBatch(_columns.Concat(columns));
    }

    /// <summary>A batch where <paramref name="column"/> replaces the column of the same name (kept in place) or is appended.</summary>
    public DataBatch WithColumn(DataColumn column)
    {
        if (!_index.TryGetValue(column.Name, out var i)) return Append(column);
        var copy = (DataColumn[])_columns.Clone();
        copy[i] = column;
        return new DataBatch(copy);
    }

    /// <summary>A batch without the named columns (each must exist).</summary>
    public DataBatch Drop(params string[] names)
    {
        foreach (var n in names) _ = this[n];
        return new DataBatch(_columns.Where(c => Array.IndexOf(names, c.Name) < 0));
    }

    /// <summary>A batch with only the named columns, in the given order.</summary>
    public DataBatch Select(params string[] names) => new(names.Select(n => this[n]));

    /// <summary>A batch where column <paramref name="name"/> is called <paramref name="newName"/>.</summary>
    public DataBatch Rename(string name, string newName)
    {
        var i = _index.TryGetValue(name, out var k) ? k : throw new KeyNotFoundException(Schema.MissingColumnMessage(name));
        var copy = (DataColumn[])_columns.Clone();
        copy[i] = _columns[i].Rename(newName);
        return new DataBatch(copy);
    }

    /// <summary>Rows [start, start + count), sharing memory with this batch.</summary>
    public DataBatch Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > RowCount - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {(long)start + count}) are outside a batch of {RowCount} rows");
        if (start == 0 && count == RowCount) return this;
        return new DataBatch(_columns.Select(c => c.Slice(start, count)));
    }

    /// <summary>The given rows, in the given order, copied into a new batch.</summary>
    public DataBatch Gather(ReadOnlySpan<int> rows)
    {
        var result = new DataColumn[_columns.Length];
        for (int i = 0; i < result.Length; i++) result[i] = _columns[i].Gather(rows);
        return new DataBatch(result);
    }

    /// <summary>The rows in a random order drawn from <paramref name="random"/> (copied).</summary>
    public DataBatch Shuffle(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var order = Enumerable.Range(0, RowCount).ToArray();
        random.Shuffle(order);
        return Gather(order);
    }

    /// <summary>Consecutive slices of at most <paramref name="batchSize"/> rows (the last may be shorter); no copies.</summary>
    public IEnumerable<DataBatch> Batches(int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch has at least one row");
        for (int start = 0; start < RowCount; start += batchSize)
            yield return Slice(start, Math.Min(batchSize, RowCount - start));
    }

    /// <summary>Batches with the same columns joined end to end (for example the output of a streaming scorer).</summary>
    public static DataBatch Concat(IEnumerable<DataBatch> batches)
    {
        var list = batches.ToList();
        if (list.Count == 0) return Empty;
        var first = list[0];
        for (int b = 1; b < list.Count; b++)
        {
            var s = list[b].Schema;
            if (s.Count != first._columns.Length || !s.Select(c => c.Name).SequenceEqual(first._columns.Select(c => c.Name)))
                throw new ArgumentException($"batch {b} has columns ({s}) but batch 0 has ({first.Schema})", nameof(batches));
        }
        if (list.Count == 1) return first;
        return new DataBatch(first._columns.Select((c, i) => DataColumn.Concat(list.Select(b => b._columns[i]).ToList())));
    }

    /// <inheritdoc />
    public override string ToString() => $"DataBatch({RowCount} rows: {Schema})";
}
