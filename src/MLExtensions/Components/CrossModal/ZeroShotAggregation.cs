namespace MLExtensions.Components.CrossModal;

/// <summary>How a zero-shot class with several descriptions turns their text embeddings into one score.</summary>
public enum ZeroShotAggregation
{
    /// <summary>
    /// One vector per class: the normalised mean of its (normalised) description vectors; the score is the cosine with
    /// it. With one description per class this is the classic classifier of averaged template embeddings.
    /// </summary>
    Mean,

    /// <summary>The largest cosine over the class's descriptions (the class is as close as its nearest description).</summary>
    Max,

    /// <summary>
    /// Probabilities summed over descriptions: the softmax (at the model's logit scale) runs over all descriptions of
    /// all classes and a class receives the sum of its descriptions' probabilities. With a class described by its
    /// subclasses this is hierarchical classification (score the subclasses, add them up into their parent). The score
    /// is <c>logsumexp(scale · cosines) / scale</c>, so that the softmax over classes gives exactly those sums; a class
    /// with many descriptions gains prior mass from their number.
    /// </summary>
    Sum,
}
