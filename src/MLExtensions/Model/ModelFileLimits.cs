namespace MLExtensions.Model;

/// <summary>Bounds applied when reading a model file, so a malicious or broken zip cannot exhaust memory or disk.</summary>
public sealed class ModelFileLimits
{
    /// <summary>The default limits.</summary>
    public static ModelFileLimits Default { get; } = new();

    /// <summary>Most zip entries accepted (a model file has two).</summary>
    public int MaxEntries { get; init; } = 8;

    /// <summary>Largest uncompressed model.json accepted (default 256 MiB: id maps of large graphs live there).</summary>
    public long MaxManifestBytes { get; init; } = 256L << 20;

    /// <summary>Largest uncompressed weights.safetensors accepted (default 16 GiB).</summary>
    public long MaxWeightsBytes { get; init; } = 16L << 30;
}
