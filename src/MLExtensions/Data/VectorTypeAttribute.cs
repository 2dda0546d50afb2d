namespace MLExtensions.Data;

/// <summary>Declares the fixed length of a float array property; every row must have exactly that many values.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>Declares vectors of <paramref name="size"/> floats.</summary>
    public VectorTypeAttribute(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
    }

    /// <summary>Floats per row.</summary>
    public int Size { get; }
}
