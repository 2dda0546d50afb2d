using MLExtensions.Data;

namespace MLExtensions;

/// <summary>
/// A fitted model: it appends its output columns to a batch (many rows in one forward pass) and saves itself to a
/// model file that <see cref="Model.ModelFile.Load"/> reads back. It owns native memory, so dispose it.
/// </summary>
public interface ITransformer : IDisposable
{
    /// <summary>The columns <see cref="Transform"/> returns for input of <paramref name="inputSchema"/>; throws when the input does not fit.</summary>
    DataSchema GetOutputSchema(DataSchema inputSchema);

    /// <summary>Scores every row of <paramref name="input"/> and returns it with the output columns appended.</summary>
    DataBatch Transform(DataBatch input);

    /// <summary>Writes the model to a zip at <paramref name="path"/> (atomically: an existing file is replaced only once the new one is complete).</summary>
    void Save(string path);
}
