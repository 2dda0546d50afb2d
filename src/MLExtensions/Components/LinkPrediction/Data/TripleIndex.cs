namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The known answers of a set of triples: for each (head, relation) the true tails, for each (relation, tail) the
/// true heads. It gives the multi-hot targets of 1-N training and the candidates the filtered evaluation removes.
/// </summary>
public sealed class TripleIndex
{
    private readonly long _relationCount;
    private readonly Dictionary<long, long[]> _tails, _heads;

    /// <summary>Indexes <paramref name="sets"/> (duplicates across sets count once).</summary>
    public TripleIndex(long relationCount, params IEnumerable<TripleIds> sets)
    {
        _relationCount = relationCount;
        var tails = new Dictionary<long, HashSet<long>>();
        var heads = new Dictionary<long, HashSet<long>>();
        foreach (var s in sets)
            for (int i = 0; i < s.Count; i++)
            {
                Add(tails, Key(s.Heads[i], s.Relations[i]), s.Tails[i]);
                Add(heads, Key(s.Tails[i], s.Relations[i]), s.Heads[i]);
            }
        _tails = tails.ToDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray());
        _heads = heads.ToDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray());
    }

    private static void Add(Dictionary<long, HashSet<long>> d, long key, long value)
    {
        if (!d.TryGetValue(key, out var set)) d[key] = set = new HashSet<long>();
        set.Add(value);
    }

    private long Key(long entity, long relation) => entity * _relationCount + relation;

    /// <summary>The true tails of (<paramref name="head"/>, <paramref name="relation"/>, ?), sorted.</summary>
    public long[] TailsOf(long head, long relation) => _tails.TryGetValue(Key(head, relation), out var a) ? a : [];

    /// <summary>The true heads of (?, <paramref name="relation"/>, <paramref name="tail"/>), sorted.</summary>
    public long[] HeadsOf(long relation, long tail) => _heads.TryGetValue(Key(tail, relation), out var a) ? a : [];

    /// <summary>The distinct (head, relation) queries, each with its entity and relation.</summary>
    public IEnumerable<(long Entity, long Relation)> TailQueries() => _tails.Keys.Select(k => (k / _relationCount, k % _relationCount));

    /// <summary>The distinct (relation, tail) queries, each with its entity and relation.</summary>
    public IEnumerable<(long Entity, long Relation)> HeadQueries() => _heads.Keys.Select(k => (k / _relationCount, k % _relationCount));
}
