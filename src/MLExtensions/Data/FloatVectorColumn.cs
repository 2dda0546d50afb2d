using System.Globalization;
using MLExtensions.Torch;

namespace MLExtensions.Data;

/// <summary>A column with a fixed-length float vector per row, stored row-major in one buffer.</summary>
public sealed class FloatVectorColumn : DataColumn
{
    /// <summary>
    /// Wraps <paramref name="values"/> (rows × <paramref name="size"/> floats, row-major; not copied).
    /// <paramref name="slotNames"/>, when given, names each of the <paramref name="size"/> slots.
    /// </summary>
    public FloatVectorColumn(string name, ReadOnlyMemory<float> values, int size, IReadOnlyList<string>? slotNames = null) : base(name)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, $"column '{name}': a vector has at least one slot");
        if (values.Length % size != 0)
            throw new ArgumentException($"column '{name}': {values.Length} floats is not a whole number of rows of {size}", nameof(values));
        if (slotNames != null && slotNames.Count != size)
            throw new ArgumentException($"column '{name}' has {size} slots but {slotNames.Count} slot names", nameof(slotNames));
        Values = values;
        Size = size;
        SlotNames = slotNames;
    }

    /// <summary>All rows, row-major (row r is Values[r*Size .. (r+1)*Size)).</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>Floats per row.</summary>
    public int Size { get; }

    /// <summary>Names of the slots, or null.</summary>
    public IReadOnlyList<string>? SlotNames { get; }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.FloatVector;

    /// <inheritdoc />
    public override int RowCount => Values.Length / Size;

    /// <summary>The vector of one row (no copy).</summary>
    public ReadOnlySpan<float> GetRow(int row)
    {
        CheckRow(row);
        return Values.Span.Slice(row * Size, Size);
    }

    /// <summary>The values as a float32 tensor of shape [rows, Size] on <paramref name="device"/> (default CPU).</summary>
    public Tensor ToTensor(Device? device = null) => TensorConversions.FromHost(Values.Span, [RowCount, Size], device);

    /// <summary>A column from a 2-d tensor [rows, size] (copied to the host as float32).</summary>
    public static FloatVectorColumn FromTensor(string name, Tensor values, IReadOnlyList<string>? slotNames = null)
    {
        if (values.Dim != 2)
            throw new ArgumentException($"column '{name}': a vector column needs a tensor of shape [rows, size], got [{string.Join(", ", values.Shape)}]", nameof(values));
        return new FloatVectorColumn(name, TensorConversions.ToHostFloats(values), checked((int)values.Size(1)), slotNames);
    }

    /// <summary>A column from one array per row; every row must have the same length.</summary>
    public static FloatVectorColumn FromRows(string name, IReadOnlyList<float[]> rows, IReadOnlyList<string>? slotNames = null)
    {
        if (rows.Count == 0)
            throw new ArgumentException($"column '{name}': the vector size of an empty list of rows is unknown", nameof(rows));
        int size = rows[0].Length;
        var values = new float[checked(rows.Count * size)];
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != size)
                throw new ArgumentException($"column '{name}': row {r} has {rows[r].Length} values, row 0 has {size}", nameof(rows));
            rows[r].CopyTo(values, r * size);
        }
        return new FloatVectorColumn(name, values, size, slotNames);
    }

    private protected override ColumnSchema CreateSchema() => new(Name, ColumnKind.FloatVector, Size, SlotNames);

    /// <inheritdoc />
    public override DataColumn Slice(int start, int count)
    {
        CheckSlice(start, count);
        return new FloatVectorColumn(Name, Values.Slice(start * Size, count * Size), Size, SlotNames);
    }

    /// <inheritdoc />
    public override DataColumn Gather(ReadOnlySpan<int> rows) =>
        new FloatVectorColumn(Name, GatherValues(Values.Span, Size, rows, Name, RowCount), Size, SlotNames);

    /// <inheritdoc />
    public override DataColumn Rename(string name) => new FloatVectorColumn(name, Values, Size, SlotNames);

    internal override string FormatCell(int row, int slot) => Values.Span[row * Size + slot].ToString("R", CultureInfo.InvariantCulture);

    internal override DataColumn ConcatWith(IReadOnlyList<DataColumn> others) =>
        new FloatVectorColumn(Name, ConcatValues(others.Cast<FloatVectorColumn>().Select(c => c.Values)), Size, SlotNames);
}
