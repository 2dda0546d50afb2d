namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// A named set of string triples (a training, validation or test split). <see cref="Source"/> names the split in
/// messages; <see cref="LineNumbers"/> (when read from a file) lets errors point at the line a triple came from.
/// </summary>
public sealed class LabeledTriples
{
    /// <summary>Wraps <paramref name="triples"/>; <paramref name="lineNumbers"/>, when given, has one entry per triple.</summary>
    public LabeledTriples(IReadOnlyList<LabeledTriple> triples, string source = "triples", IReadOnlyList<long>? lineNumbers = null,
                          int duplicatesDropped = 0)
    {
        ArgumentNullException.ThrowIfNull(triples);
        if (lineNumbers != null && lineNumbers.Count != triples.Count)
            throw new ArgumentException($"{lineNumbers.Count} line numbers for {triples.Count} triples", nameof(lineNumbers));
        Triples = triples;
        Source = source;
        LineNumbers = lineNumbers;
        DuplicatesDropped = duplicatesDropped;
    }

    /// <summary>The triples, in file order.</summary>
    public IReadOnlyList<LabeledTriple> Triples { get; }

    /// <summary>Where the triples came from (a file name), for messages.</summary>
    public string Source { get; }

    /// <summary>The 1-based line of each triple in its file, or null for triples built in code.</summary>
    public IReadOnlyList<long>? LineNumbers { get; }

    /// <summary>How many repeated triples the reader left out (see <see cref="DuplicateTriples"/>).</summary>
    public int DuplicatesDropped { get; }

    /// <summary>The number of triples.</summary>
    public int Count => Triples.Count;

    /// <summary>"file line N" (or "triples row N") for triple <paramref name="index"/>, for messages.</summary>
    public string Where(int index) =>
        LineNumbers != null ? $"{Source} line {LineNumbers[index]}" : $"{Source} row {index + 1}";

    /// <summary>Builds a set from tuples (convenient in code and tests).</summary>
    public static LabeledTriples From(IEnumerable<(string Head, string Relation, string Tail)> triples, string source = "triples") =>
        new(triples.Select(t => new LabeledTriple(t.Head, t.Relation, t.Tail)).ToArray(), source);
}
