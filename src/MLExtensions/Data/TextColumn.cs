namespace MLExtensions.Data;

/// <summary>A column of free text (or any non-numeric CSV field).</summary>
public sealed class TextColumn : StringColumn
{
    /// <summary>Wraps <paramref name="values"/> (one per row, not null; not copied).</summary>
    public TextColumn(string name, ReadOnlyMemory<string> values) : base(name, values) { }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Text;

    private protected override StringColumn Create(string name, ReadOnlyMemory<string> values) => new TextColumn(name, values);
}
