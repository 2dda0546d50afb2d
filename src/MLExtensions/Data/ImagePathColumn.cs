namespace MLExtensions.Data;

/// <summary>A column of image file paths; image components decode them batch by batch.</summary>
public sealed class ImagePathColumn : StringColumn
{
    /// <summary>Wraps <paramref name="paths"/> (one per row, not null; not copied).</summary>
    public ImagePathColumn(string name, ReadOnlyMemory<string> paths) : base(name, paths) { }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.ImagePath;

    private protected override StringColumn Create(string name, ReadOnlyMemory<string> values) => new ImagePathColumn(name, values);
}
