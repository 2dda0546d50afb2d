namespace MLExtensions.Data;

/// <summary>
/// One named, typed column of a <see cref="DataBatch"/>. Columns are immutable: the constructors take ownership of
/// the memory they are given (do not change it afterwards) and <see cref="Slice"/> shares it without copying.
/// </summary>
public abstract class DataColumn
{
    private ColumnSchema? _schema;

    private protected DataColumn(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The column name (case-sensitive).</summary>
    public string Name { get; }

    /// <summary>The column type.</summary>
    public abstract ColumnKind Kind { get; }

    /// <summary>The number of rows.</summary>
    public abstract int RowCount { get; }

    /// <summary>Name, type and vector size of this column.</summary>
    public ColumnSchema Schema => _schema ??= CreateSchema();

    private protected abstract ColumnSchema CreateSchema();

    /// <summary>Rows [start, start + count), sharing memory with this column.</summary>
    public abstract DataColumn Slice(int start, int count);

    /// <summary>The given rows, in the given order, copied into a new column (rows may repeat).</summary>
    public abstract DataColumn Gather(ReadOnlySpan<int> rows);

    /// <summary>The same data under another name (no copy).</summary>
    public abstract DataColumn Rename(string name);

    /// <summary>The cell at (<paramref name="row"/>, <paramref name="slot"/>) as invariant text, as written to CSV.</summary>
    internal abstract string FormatCell(int row, int slot);

    /// <summary>This column followed by <paramref name="others"/> (same name, type and shape).</summary>
    internal abstract DataColumn ConcatWith(IReadOnlyList<DataColumn> others);

    /// <summary>Joins columns of the same name and type end to end.</summary>
    public static DataColumn Concat(IReadOnlyList<DataColumn> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("nothing to concatenate", nameof(parts));
        var first = parts[0];
        for (int i = 1; i < parts.Count; i++)
        {
            var p = parts[i];
            if (p.Name != first.Name || p.Kind != first.Kind || p.Schema.VectorSize != first.Schema.VectorSize)
                throw new ArgumentException($"cannot concatenate column {p.Schema} to {first.Schema}", nameof(parts));
        }
        return parts.Count == 1 ? first : first.ConcatWith(parts);
    }

    private protected void CheckSlice(int start, int count)
    {
        if (start < 0 || count < 0 || start > RowCount - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {(long)start + count}) are outside column '{Name}' with {RowCount} rows");
    }

    private protected void CheckRow(int row)
    {
        if ((uint)row >= (uint)RowCount)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"row {row} is outside column '{Name}' with {RowCount} rows");
    }

    private protected static T[] GatherValues<T>(ReadOnlySpan<T> values, int width, ReadOnlySpan<int> rows, string name, int rowCount)
    {
        var result = new T[rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)rowCount)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"row {r} is outside column '{name}' with {rowCount} rows");
            values.Slice(r * width, width).CopyTo(result.AsSpan(i * width, width));
        }
        return result;
    }

    private protected static T[] ConcatValues<T>(IEnumerable<ReadOnlyMemory<T>> parts)
    {
        var list = parts.ToList();
        var result = new T[list.Sum(p => (long)p.Length)];
        int offset = 0;
        foreach (var p in list)
        {
            p.Span.CopyTo(result.AsSpan(offset));
            offset += p.Length;
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Schema} ({RowCount} rows)";
}
