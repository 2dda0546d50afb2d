namespace MLExtensions.Components.CrossModal;

/// <summary>Which text encoder a <see cref="CrossModalEncoderTrainer"/> trains.</summary>
public enum TextEncoderKind
{
    /// <summary>A transformer over subword tokens (word order and context matter).</summary>
    Transformer,

    /// <summary>A bag of subwords: the mean of token embeddings, projected (a baseline that ignores word order).</summary>
    BagOfWords,
}
