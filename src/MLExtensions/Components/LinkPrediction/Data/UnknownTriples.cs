namespace MLExtensions.Components.LinkPrediction;

/// <summary>What to do with a triple that names an entity or relation the model has no id for.</summary>
public enum UnknownTriples
{
    /// <summary>Refuse with an <see cref="ArgumentException"/> naming the entity or relation and where it was read.</summary>
    Error = 0,

    /// <summary>Leave the triple out and count it (evaluation on splits that mention entities never seen in training,
    /// as WN18RR's validation and test splits do).</summary>
    Skip = 1,
}
