namespace MLExtensions.Data;

/// <summary>A column with one string per row: <see cref="TextColumn"/> or <see cref="ImagePathColumn"/>.</summary>
public abstract class StringColumn : DataColumn
{
    private protected StringColumn(string name, ReadOnlyMemory<string> values) : base(name)
    {
        foreach (var v in values.Span)
            if (v is null) throw new ArgumentException($"column '{name}' contains a null string; use \"\" for an empty value", nameof(values));
        Values = values;
    }

    /// <summary>The values, one per row (never null).</summary>
    public ReadOnlyMemory<string> Values { get; }

    /// <inheritdoc />
    public override int RowCount => Values.Length;

    /// <summary>The value of one row.</summary>
    public string this[int row] { get { CheckRow(row); return Values.Span[row]; } }

    private protected abstract StringColumn Create(string name, ReadOnlyMemory<string> values);

    private protected override ColumnSchema CreateSchema() => new(Name, Kind);

    /// <inheritdoc />
    public override DataColumn Slice(int start, int count)
    {
        CheckSlice(start, count);
        return Create(Name, Values.Slice(start, count));
    }

    /// <inheritdoc />
    public override DataColumn Gather(ReadOnlySpan<int> rows) => Create(Name, GatherValues(Values.Span, 1, rows, Name, RowCount));

    /// <inheritdoc />
    public override DataColumn Rename(string name) => Create(name, Values);

    internal override string FormatCell(int row, int slot) => Values.Span[row];

    internal override DataColumn ConcatWith(IReadOnlyList<DataColumn> others) =>
        Create(Name, ConcatValues(others.Cast<StringColumn>().Select(c => c.Values)));
}
