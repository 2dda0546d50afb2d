namespace MLExtensions.Components.LinkPrediction;

/// <summary>What the triples reader does with a triple that appears again in the same file.</summary>
public enum DuplicateTriples
{
    /// <summary>Keep the first occurrence, drop the repeats and count them (<see cref="LabeledTriples.DuplicatesDropped"/>).
    /// A repeated fact carries no new information and would only weigh that fact more in training.</summary>
    Drop = 0,

    /// <summary>Refuse the file with an error naming the line of the repeat and the line of the first occurrence.</summary>
    Error = 1,
}
