namespace MLExtensions.Data;

/// <summary>The name, type and shape of one column.</summary>
public sealed class ColumnSchema
{
    /// <summary>Describes a column. <paramref name="vectorSize"/> is the length of a <see cref="ColumnKind.FloatVector"/> row, 1 otherwise.</summary>
    public ColumnSchema(string name, ColumnKind kind, int vectorSize = 1, IReadOnlyList<string>? slotNames = null, IReadOnlyList<string>? keyNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (kind == ColumnKind.FloatVector ? vectorSize < 1 : vectorSize != 1)
            throw new ArgumentOutOfRangeException(nameof(vectorSize), vectorSize, kind == ColumnKind.FloatVector
                ? $"column '{name}': a float vector has at least one slot"
                : $"column '{name}': only float vector columns have a vector size other than 1");
        if (slotNames != null && slotNames.Count != vectorSize)
            throw new ArgumentException($"column '{name}' has {vectorSize} slots but {slotNames.Count} slot names", nameof(slotNames));
        if (keyNames != null && kind != ColumnKind.Key)
            throw new ArgumentException($"column '{name}': only key columns have key names", nameof(keyNames));
        Name = name;
        Kind = kind;
        VectorSize = vectorSize;
        SlotNames = slotNames;
        KeyNames = keyNames;
    }

    /// <summary>The column name (case-sensitive).</summary>
    public string Name { get; }

    /// <summary>The column type.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Floats per row for a float vector column; 1 for every other kind.</summary>
    public int VectorSize { get; }

    /// <summary>Names of the vector slots (for example the CSV columns gathered into it), or null.</summary>
    public IReadOnlyList<string>? SlotNames { get; }

    /// <summary>The name of each key value (key k is named KeyNames[k]) for a key column, or null.</summary>
    public IReadOnlyList<string>? KeyNames { get; }

    /// <summary>The type as people read it: Float, FloatVector[64], Key[10], Text, ImagePath.</summary>
    public string TypeDescription => Kind switch
    {
        ColumnKind.FloatVector => $"FloatVector[{VectorSize}]",
        ColumnKind.Key when KeyNames != null => $"Key[{KeyNames.Count}]",
        _ => Kind.ToString(),
    };

    /// <summary>A copy under another name.</summary>
    public ColumnSchema WithName(string name) => new(name, Kind, VectorSize, SlotNames, KeyNames);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeDescription}";
}
