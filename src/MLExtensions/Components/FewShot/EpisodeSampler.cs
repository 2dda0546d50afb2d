namespace MLExtensions.Components.FewShot;

/// <summary>One N-way K-shot Q-query task: row indices of the support and the query, both class-major.</summary>
/// <param name="Classes">The N class indices, in episode order (episode label i = Classes[i]).</param>
/// <param name="Support">N*K rows: the K shots of class 0, then of class 1, ...</param>
/// <param name="Query">N*Q rows, in the same class order; never a support row.</param>
public sealed record Episode(int[] Classes, int[] Support, int[] Query)
{
    /// <summary>Episode labels of the support (0..N-1, each K times).</summary>
    public long[] SupportLabels => Enumerable.Range(0, Classes.Length).SelectMany(c => Enumerable.Repeat((long)c, Support.Length / Classes.Length)).ToArray();

    /// <summary>Episode labels of the query (0..N-1, each Q times).</summary>
    public long[] QueryLabels => Enumerable.Range(0, Classes.Length).SelectMany(c => Enumerable.Repeat((long)c, Query.Length / Classes.Length)).ToArray();
}

/// <summary>
/// Draws seeded N-way K-shot Q-query episodes from labelled rows. A class takes part only when it has at least K+Q rows
/// (the constructor refuses the set, naming a class, when fewer than N classes qualify); within-group sampling draws
/// the N classes from one group.
/// </summary>
public sealed class EpisodeSampler
{
    private readonly int[][] _rowsByClass;
    private readonly int[] _eligible;
    private readonly int[][] _eligibleByGroup;
    private readonly Random _random;

    /// <summary>Creates a sampler.</summary>
    /// <param name="rowClasses">The class index of every row.</param>
    /// <param name="classNames">Class names (index = class), used in messages.</param>
    /// <param name="classGroups">The group of every class, or null (one group).</param>
    /// <param name="ways">N.</param><param name="shots">K.</param><param name="queries">Q.</param>
    /// <param name="withinGroup">Whether an episode's classes share one group.</param>
    /// <param name="seed">Sampling seed.</param>
    /// <param name="classSources">The source of every class, or null. With sources, each episode's classes come from one
    /// source, the sources (those with enough eligible classes) taking turns from a random first one.</param>
    public EpisodeSampler(IReadOnlyList<int> rowClasses, IReadOnlyList<string> classNames, IReadOnlyList<string>? classGroups,
        int ways, int shots, int queries, bool withinGroup, int seed, IReadOnlyList<string>? classSources = null)
    {
        if (ways < 1) throw new ArgumentException($"ways must be at least 1 (got {ways})");
        if (shots < 1) throw new ArgumentException($"shots must be at least 1 (got {shots}): every class needs a support example");
        if (queries < 0) throw new ArgumentException($"queries must not be negative (got {queries})");
        Ways = ways; Shots = shots; Queries = queries; WithinGroup = withinGroup;
        var lists = Enumerable.Range(0, classNames.Count).Select(_ => new List<int>()).ToArray();
        for (int r = 0; r < rowClasses.Count; r++) lists[rowClasses[r]].Add(r);
        _rowsByClass = lists.Select(l => l.ToArray()).ToArray();
        _eligible = Enumerable.Range(0, classNames.Count).Where(c => _rowsByClass[c].Length >= shots + queries).ToArray();
        if (_eligible.Length < ways)
        {
            var shortOnes = Enumerable.Range(0, classNames.Count).Where(c => _rowsByClass[c].Length < shots + queries)
                .Take(3).Select(c => $"'{classNames[c]}' has {_rowsByClass[c].Length}");
            throw new ArgumentException(
                $"a {ways}-way {shots}-shot {queries}-query episode needs {ways} classes with at least {shots + queries} examples each; " +
                $"only {_eligible.Length} of {classNames.Count} classes have that many" +
                (_eligible.Length < classNames.Count ? $" ({string.Join(", ", shortOnes)})" : ""));
        }
        var groups = classGroups ?? Enumerable.Repeat("", classNames.Count).ToArray();
        _eligibleByGroup = _eligible.GroupBy(c => groups[c], StringComparer.Ordinal).Select(g => g.ToArray()).Where(g => g.Length >= ways).ToArray();
        if (withinGroup && _eligibleByGroup.Length == 0)
            throw new ArgumentException($"within-group episodes need a group with {ways} classes of at least {shots + queries} examples; no group has that many");
        _random = new Random(seed);
        if (classSources != null)
        {
            // Per source: its eligible classes split by group (within-group) or as one pool; sources without a full episode are left out.
            _sources = _eligible.GroupBy(c => classSources[c], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => withinGroup
                    ? g.GroupBy(c => groups[c], StringComparer.Ordinal).Select(x => x.ToArray()).Where(x => x.Length >= ways).ToArray()
                    : g.Count() >= ways ? [g.ToArray()] : [])
                .Where(pools => pools.Length > 0).ToArray();
            if (_sources.Length == 0)
                throw new ArgumentException($"no source has {ways} classes with at least {shots + queries} examples{(withinGroup ? " in one group" : "")}");
            _nextSource = _random.Next(_sources.Length);
        }
    }

    private readonly int[][][]? _sources;
    private int _nextSource;

    /// <summary>The sources episodes are balanced over (0 when they are not).</summary>
    public int SourceCount => _sources?.Length ?? 0;

    /// <summary>N.</summary>
    public int Ways { get; }
    /// <summary>K.</summary>
    public int Shots { get; }
    /// <summary>Q.</summary>
    public int Queries { get; }
    /// <summary>Whether classes are drawn within one group.</summary>
    public bool WithinGroup { get; }

    /// <summary>Classes with enough rows to take part.</summary>
    public int EligibleClassCount => _eligible.Length;

    /// <summary>Draws the next episode.</summary>
    public Episode Next()
    {
        int[] pool;
        if (_sources != null)
        {
            var pools = _sources[_nextSource];
            _nextSource = (_nextSource + 1) % _sources.Length;
            pool = pools[_random.Next(pools.Length)];
        }
        else pool = WithinGroup ? _eligibleByGroup[_random.Next(_eligibleByGroup.Length)] : _eligible;
        var classes = Pick(pool, Ways);
        var support = new int[Ways * Shots];
        var query = new int[Ways * Queries];
        for (int i = 0; i < Ways; i++)
        {
            var rows = Pick(_rowsByClass[classes[i]], Shots + Queries);
            Array.Copy(rows, 0, support, i * Shots, Shots);
            Array.Copy(rows, Shots, query, i * Queries, Queries);
        }
        return new Episode(classes, support, query);
    }

    // Partial Fisher-Yates: k distinct items of source, in random order.
    private int[] Pick(int[] source, int k)
    {
        var copy = (int[])source.Clone();
        for (int i = 0; i < k; i++)
        {
            int j = i + _random.Next(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy[..k];
    }
}
