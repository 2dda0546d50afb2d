namespace MLExtensions.Components.LinkPrediction;

/// <summary>Triples as integer ids (parallel arrays), the form the models, losses and evaluator work on.</summary>
public sealed class TripleIds
{
    /// <summary>Wraps three arrays of equal length.</summary>
    public TripleIds(long[] heads, long[] relations, long[] tails)
    {
        if (heads.Length != relations.Length || heads.Length != tails.Length)
            throw new ArgumentException($"heads ({heads.Length}), relations ({relations.Length}) and tails ({tails.Length}) differ in length");
        Heads = heads;
        Relations = relations;
        Tails = tails;
    }

    /// <summary>Head entity ids.</summary>
    public long[] Heads { get; }
    /// <summary>Relation ids.</summary>
    public long[] Relations { get; }
    /// <summary>Tail entity ids.</summary>
    public long[] Tails { get; }
    /// <summary>The number of triples.</summary>
    public int Count => Heads.Length;

    /// <summary>The triples at <paramref name="rows"/>.</summary>
    public TripleIds Subset(IReadOnlyList<int> rows)
    {
        var h = new long[rows.Count]; var r = new long[rows.Count]; var t = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++) { h[i] = Heads[rows[i]]; r[i] = Relations[rows[i]]; t[i] = Tails[rows[i]]; }
        return new TripleIds(h, r, t);
    }

    /// <summary>All triples of several sets, one after the other.</summary>
    public static TripleIds Concat(IEnumerable<TripleIds> sets)
    {
        var list = sets.ToList();
        return new TripleIds(list.SelectMany(s => s.Heads).ToArray(), list.SelectMany(s => s.Relations).ToArray(),
                             list.SelectMany(s => s.Tails).ToArray());
    }
}
