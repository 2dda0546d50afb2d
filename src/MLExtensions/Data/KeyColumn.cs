using MLExtensions.Torch;

namespace MLExtensions.Data;

/// <summary>
/// A column of 64-bit keys: class ids, entity or relation ids. With <see cref="KeyNames"/>, key k stands for
/// KeyNames[k] and every value lies in [0, KeyNames.Count).
/// </summary>
public sealed class KeyColumn : DataColumn
{
    /// <summary>Wraps <paramref name="values"/> (one per row; not copied), optionally with the name of each key.</summary>
    public KeyColumn(string name, ReadOnlyMemory<long> values, IReadOnlyList<string>? keyNames = null) : base(name)
    {
        if (keyNames != null)
        {
            var span = values.Span;
            for (int i = 0; i < span.Length; i++)
                if ((ulong)span[i] >= (ulong)keyNames.Count)
                    throw new ArgumentException($"column '{name}', row {i}: key {span[i]} is outside [0, {keyNames.Count}) of its key names", nameof(values));
        }
        Values = values;
        KeyNames = keyNames;
    }

    /// <summary>The keys, one per row.</summary>
    public ReadOnlyMemory<long> Values { get; }

    /// <summary>The name of each key, or null.</summary>
    public IReadOnlyList<string>? KeyNames { get; }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Key;

    /// <inheritdoc />
    public override int RowCount => Values.Length;

    /// <summary>The key of one row.</summary>
    public long this[int row] { get { CheckRow(row); return Values.Span[row]; } }

    /// <summary>The name of a row's key (its number when the column has no key names).</summary>
    public string GetName(int row)
    {
        long k = this[row];
        return KeyNames != null ? KeyNames[(int)k] : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The keys as an int64 tensor of shape [rows] on <paramref name="device"/> (default CPU).</summary>
    public Tensor ToTensor(Device? device = null) => TensorConversions.FromHost(Values.Span, [RowCount], device);

    /// <summary>A column from an integer tensor of shape [rows] (copied to the host as int64).</summary>
    public static KeyColumn FromTensor(string name, Tensor keys, IReadOnlyList<string>? keyNames = null)
    {
        if (keys.Dim != 1)
            throw new ArgumentException($"column '{name}': a key column needs a tensor of shape [rows], got [{string.Join(", ", keys.Shape)}]", nameof(keys));
        return new KeyColumn(name, TensorConversions.ToHost<long>(keys, ScalarType.Int64), keyNames);
    }

    private protected override ColumnSchema CreateSchema() => new(Name, ColumnKind.Key, keyNames: KeyNames);

    /// <inheritdoc />
    public override DataColumn Slice(int start, int count)
    {
        CheckSlice(start, count);
        return new KeyColumn(Name, Values.Slice(start, count), KeyNames);
    }

    /// <inheritdoc />
    public override DataColumn Gather(ReadOnlySpan<int> rows) => new KeyColumn(Name, GatherValues(Values.Span, 1, rows, Name, RowCount), KeyNames);

    /// <inheritdoc />
    public override DataColumn Rename(string name) => new KeyColumn(name, Values, KeyNames);

    internal override string FormatCell(int row, int slot) => GetName(row);

    internal override DataColumn ConcatWith(IReadOnlyList<DataColumn> others)
    {
        foreach (var c in others.Cast<KeyColumn>())
            if (!SameNames(c.KeyNames, KeyNames))
                throw new ArgumentException($"cannot concatenate key column '{Name}': the parts have different key names");
        return new KeyColumn(Name, ConcatValues(others.Cast<KeyColumn>().Select(c => c.Values)), KeyNames);
    }

    private static bool SameNames(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        ReferenceEquals(a, b) || (a != null && b != null && a.SequenceEqual(b, StringComparer.Ordinal));
}
