using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The filtered ranking protocol on an undirected graph: for a test edge (u, v), v is ranked among all nodes by the
/// scores of (u, ·) ("tail") and u among all nodes by the scores of (v, ·) ("head"); the other known neighbours of
/// the query node (edges of the given sets, either direction) and the query node itself are removed from the
/// candidates; ties get the mean rank
/// (<see cref="FilteredRankingEvaluator"/>'s rule).
/// </summary>
internal sealed class GraphLinkRanker
{
    /// <summary>The single relation name the metrics report.</summary>
    public const string EdgeRelation = "edge";

    private readonly TripleIndex _known;
    private readonly int _batchSize;

    public GraphLinkRanker(NodeGraph graph, IEnumerable<(long[] Sources, long[] Targets)> known, int batchSize)
    {
        _known = new TripleIndex(1, known.Select(k => Both(k.Sources, k.Targets)));
        _batchSize = batchSize;
    }

    // Each undirected edge as two (a, 0, b) triples, so that TailsOf(a, 0) lists all neighbours of a.
    private static TripleIds Both(long[] s, long[] t) => new(s.Concat(t).ToArray(), new long[2 * s.Length], t.Concat(s).ToArray());

    /// <summary>The known neighbours of <paramref name="node"/>.</summary>
    public long[] NeighboursOf(long node) => _known.TailsOf(node, 0);

    /// <summary>Filtered ranks of the test edges (<paramref name="sources"/>, <paramref name="targets"/>) under representations <paramref name="z"/>.</summary>
    public LinkPredictionMetrics Evaluate(GraphLinkNetwork network, Tensor z, long[] sources, long[] targets, int skipped)
    {
        var headRanks = new double[sources.Length];
        var tailRanks = new double[sources.Length];
        using var noGrad = torch.NoGrad();
        for (int start = 0; start < sources.Length; start += _batchSize)
        {
            int n = Math.Min(_batchSize, sources.Length - start);
            using var scope = torch.NewDisposeScope();
            var u = Ids(sources, start, n, z.Device);
            var v = Ids(targets, start, n, z.Device);
            // The query node itself is no candidate either (unless the test edge is a self-loop): with a dot product it
            // would usually win, which says nothing about the graph.
            var uKnown = Enumerable.Range(start, n).Select(i => NeighboursOf(sources[i]).Append(sources[i]).ToArray()).ToArray();
            var vKnown = Enumerable.Range(start, n).Select(i => NeighboursOf(targets[i]).Append(targets[i]).ToArray()).ToArray();
            FilteredRankingEvaluator.RankBatch(network.ScoreAll(z, u), v, uKnown, targets.AsSpan(start, n), tailRanks.AsSpan(start, n));
            FilteredRankingEvaluator.RankBatch(network.ScoreAll(z, v), u, vKnown, sources.AsSpan(start, n), headRanks.AsSpan(start, n));
        }
        var ids = new TripleIds(sources, new long[sources.Length], targets);
        return FilteredRankingEvaluator.Aggregate(ids, headRanks, tailRanks, [EdgeRelation], skipped);
    }

    internal static Tensor Ids(long[] source, int start, int n, Device device)
    {
        var t = Tensor.From(source.AsSpan(start, n), [n]);
        return t.Device == device ? t : t.To(device);
    }
}
