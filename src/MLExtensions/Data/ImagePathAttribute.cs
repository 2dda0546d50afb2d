namespace MLExtensions.Data;

/// <summary>Marks a string property as a path to an image: it loads as an <see cref="ImagePathColumn"/>.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class ImagePathAttribute : Attribute
{
}
