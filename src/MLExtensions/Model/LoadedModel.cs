using MLExtensions.Torch;

namespace MLExtensions.Model;

/// <summary>
/// The raw content of a model file: its manifest and its weights (CPU tensors owned by this object). Component
/// loaders copy the weights into their modules; a tensor a loader keeps must be removed from <see cref="Weights"/>,
/// because disposing the loaded model disposes every tensor still in it.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(string filePath, ModelManifest manifest, Dictionary<string, Tensor> weights, Dictionary<string, string> weightsMetadata)
    {
        FilePath = filePath;
        Manifest = manifest;
        Weights = weights;
        WeightsMetadata = weightsMetadata;
    }

    /// <summary>The full path of the model file.</summary>
    public string FilePath { get; }

    /// <summary>The content of model.json.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The tensors of weights.safetensors by name (empty when the file has no weights).</summary>
    public Dictionary<string, Tensor> Weights { get; }

    /// <summary>The safetensors header metadata.</summary>
    public Dictionary<string, string> WeightsMetadata { get; }

    /// <summary>The weight called <paramref name="name"/>; the error lists the names that exist.</summary>
    public Tensor GetWeight(string name) =>
        Weights.TryGetValue(name, out var t) ? t : throw new InvalidDataException(
            $"{Path.GetFileName(FilePath)} has no weight '{name}'; weights: {(Weights.Count == 0 ? "(none)" : string.Join(", ", Weights.Keys.Order(StringComparer.Ordinal)))}");

    /// <summary>Disposes every weight still held.</summary>
    public void Dispose()
    {
        foreach (var t in Weights.Values) t.Dispose();
        Weights.Clear();
    }
}
