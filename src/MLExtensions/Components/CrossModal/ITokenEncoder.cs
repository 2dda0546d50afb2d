using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>An encoder that also exposes its per-position features (image patches, text tokens) for the fusion head.</summary>
internal interface ITokenEncoder
{
    /// <summary>The width of each token feature.</summary>
    long TokenWidth { get; }

    /// <summary>The pooled embedding [B, dim] (not normalised) and the token features [B, P, TokenWidth].</summary>
    (Tensor Embedding, Tensor Tokens) ForwardWithTokens(Tensor input);
}
