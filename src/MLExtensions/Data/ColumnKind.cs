namespace MLExtensions.Data;

/// <summary>The type of a <see cref="DataColumn"/>.</summary>
public enum ColumnKind
{
    /// <summary>One float per row (<see cref="FloatColumn"/>).</summary>
    Float,
    /// <summary>A fixed-length float vector per row (<see cref="FloatVectorColumn"/>).</summary>
    FloatVector,
    /// <summary>A string per row (<see cref="TextColumn"/>).</summary>
    Text,
    /// <summary>A 64-bit key (a class id, entity id, ...) per row, optionally with names (<see cref="KeyColumn"/>).</summary>
    Key,
    /// <summary>A path to an image file per row (<see cref="ImagePathColumn"/>).</summary>
    ImagePath,
}
