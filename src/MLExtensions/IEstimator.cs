using MLExtensions.Data;

namespace MLExtensions;

/// <summary>A trainer or a trainable transform: <see cref="Fit"/> learns from a batch and returns the fitted model.</summary>
public interface IEstimator<out TTransformer> where TTransformer : ITransformer
{
    /// <summary>Learns from <paramref name="input"/>.</summary>
    TTransformer Fit(DataBatch input);

    /// <summary>The columns the fitted model will add, checked against <paramref name="inputSchema"/> before any training.</summary>
    DataSchema GetOutputSchema(DataSchema inputSchema);
}
