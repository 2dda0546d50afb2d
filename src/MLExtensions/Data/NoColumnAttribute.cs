namespace MLExtensions.Data;

/// <summary>Excludes a property from loading and from mapping results back to objects.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class NoColumnAttribute : Attribute
{
}
