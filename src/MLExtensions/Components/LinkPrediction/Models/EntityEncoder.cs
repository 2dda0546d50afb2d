using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Turns the entity table [entities, width] into the representations a decoder scores (same shape), for example by
/// message passing over the training graph. Any decoder can sit behind any encoder.
/// </summary>
public abstract class EntityEncoder : Module
{
    /// <summary>
    /// The encoded entities for the table <paramref name="entities"/>; <paramref name="relations"/> is the decoder's
    /// relation table, for encoders that compose entity and relation embeddings.
    /// </summary>
    public abstract Tensor Forward(Tensor entities, Tensor relations);
}
