namespace MLExtensions.Components.LinkPrediction;

/// <summary>One (head, relation, tail) fact with string names, as read from a triples file or built in code.</summary>
public readonly record struct LabeledTriple(string Head, string Relation, string Tail)
{
    /// <inheritdoc />
    public override string ToString() => $"({Head}, {Relation}, {Tail})";
}
