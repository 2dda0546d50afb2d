using System.Globalization;
using MLExtensions.Torch;

namespace MLExtensions.Data;

/// <summary>A column with one float per row.</summary>
public sealed class FloatColumn : DataColumn
{
    /// <summary>Wraps <paramref name="values"/> (one per row; not copied).</summary>
    public FloatColumn(string name, ReadOnlyMemory<float> values) : base(name) => Values = values;

    /// <summary>The values, one per row.</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Float;

    /// <inheritdoc />
    public override int RowCount => Values.Length;

    /// <summary>The value of one row.</summary>
    public float this[int row] { get { CheckRow(row); return Values.Span[row]; } }

    /// <summary>The values as a float32 tensor of shape [rows] on <paramref name="device"/> (default CPU).</summary>
    public Tensor ToTensor(Device? device = null) => TensorConversions.FromHost(Values.Span, [RowCount], device);

    /// <summary>A column from a tensor with one element per row (copied to the host as float32).</summary>
    public static FloatColumn FromTensor(string name, Tensor values)
    {
        if (values.Dim != 1 && !(values.Dim == 2 && values.Size(1) == 1))
            throw new ArgumentException($"column '{name}': a float column needs a tensor of shape [rows], got [{string.Join(", ", values.Shape)}]", nameof(values));
        return new FloatColumn(name, TensorConversions.ToHostFloats(values));
    }

    private protected override ColumnSchema CreateSchema() => new(Name, ColumnKind.Float);

    /// <inheritdoc />
    public override DataColumn Slice(int start, int count)
    {
        CheckSlice(start, count);
        return new FloatColumn(Name, Values.Slice(start, count));
    }

    /// <inheritdoc />
    public override DataColumn Gather(ReadOnlySpan<int> rows) => new FloatColumn(Name, GatherValues(Values.Span, 1, rows, Name, RowCount));

    /// <inheritdoc />
    public override DataColumn Rename(string name) => new FloatColumn(name, Values);

    internal override string FormatCell(int row, int slot) => Values.Span[row].ToString("R", CultureInfo.InvariantCulture);

    internal override DataColumn ConcatWith(IReadOnlyList<DataColumn> others) =>
        new FloatColumn(Name, ConcatValues(others.Cast<FloatColumn>().Select(c => c.Values)));
}
