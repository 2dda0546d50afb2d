using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The filtered ranking protocol (Bordes et al. 2013): for each test triple (h, r, t) the true tail is ranked among
/// all entities by the scores of (h, r, e), and the true head among all entities by the scores of (e, r, t). Every
/// other candidate that forms a true triple in the filter sets is removed before ranking (the test triple itself
/// always stays). Ties get the mean of the ranks they span: rank = 1 + #higher + (#equal − 1)/2, never the
/// optimistic 1 + #higher. Scores are computed for a batch of test triples against all entities at once.
/// </summary>
public sealed class FilteredRankingEvaluator
{
    private readonly TripleIndex _filter;

    /// <summary>Creates an evaluator filtering with <paramref name="filter"/> (usually train + valid + test).</summary>
    public FilteredRankingEvaluator(TripleIndex filter, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _filter = filter;
        BatchSize = batchSize;
    }

    /// <summary>Test triples scored per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>Filtered head and tail ranks of <paramref name="test"/>, in test order.</summary>
    public (double[] HeadRanks, double[] TailRanks) Rank(KgeModel model, TripleIds test)
    {
        var headRanks = new double[test.Count];
        var tailRanks = new double[test.Count];
        var device = model.EntityWeight.Device;
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var noGrad = torch.NoGrad();
            using var shared = model.ShareEntityTable();
            for (int start = 0; start < test.Count; start += BatchSize)
            {
                int n = Math.Min(BatchSize, test.Count - start);
                using var scope = torch.NewDisposeScope();
                var h = Ids(test.Heads, start, n, device);
                var r = Ids(test.Relations, start, n, device);
                var t = Ids(test.Tails, start, n, device);
                var tailKnown = new long[n][];
                var headKnown = new long[n][];
                for (int i = 0; i < n; i++)
                {
                    tailKnown[i] = _filter.TailsOf(test.Heads[start + i], test.Relations[start + i]);
                    headKnown[i] = _filter.HeadsOf(test.Relations[start + i], test.Tails[start + i]);
                }
                RankBatch(model.ScoreTails(h, r), t, tailKnown, test.Tails.AsSpan(start, n), tailRanks.AsSpan(start, n));
                RankBatch(model.ScoreHeads(r, t), h, headKnown, test.Heads.AsSpan(start, n), headRanks.AsSpan(start, n));
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        return (headRanks, tailRanks);
    }

    /// <summary>Ranks and aggregates them overall, per direction and per relation (names from <paramref name="relationNames"/>).</summary>
    public LinkPredictionMetrics Evaluate(KgeModel model, TripleIds test, IReadOnlyList<string> relationNames, int skipped = 0)
    {
        var (head, tail) = Rank(model, test);
        return Aggregate(test, head, tail, relationNames, skipped);
    }

    /// <summary>Summaries of given ranks (exposed for tests and for ranks computed elsewhere).</summary>
    public static LinkPredictionMetrics Aggregate(TripleIds test, double[] headRanks, double[] tailRanks, IReadOnlyList<string> relationNames, int skipped = 0)
    {
        var per = new Dictionary<string, (RankingMetrics, RankingMetrics, RankingMetrics)>(StringComparer.Ordinal);
        foreach (var group in Enumerable.Range(0, test.Count).GroupBy(i => test.Relations[i]))
        {
            var hs = group.Select(i => headRanks[i]).ToArray();
            var ts = group.Select(i => tailRanks[i]).ToArray();
            per[relationNames[(int)group.Key]] = (RankingMetrics.From(hs.Concat(ts).ToArray()), RankingMetrics.From(hs), RankingMetrics.From(ts));
        }
        return new LinkPredictionMetrics(RankingMetrics.From(headRanks.Concat(tailRanks).ToArray()), RankingMetrics.From(headRanks),
                                         RankingMetrics.From(tailRanks), per, headRanks, tailRanks, skipped);
    }

    private static Tensor Ids(long[] source, int start, int n, Device device)
    {
        var t = Tensor.From(source.AsSpan(start, n), [n]);
        return t.Device == device ? t : t.To(device);
    }

    // scores [n, N]; target [n]; known[i]: true answers of query i (the target among them is kept as a candidate).
    internal static void RankBatch(Tensor scores, Tensor target, long[][] known, ReadOnlySpan<long> targets, Span<double> ranks)
    {
        int n = known.Length;
        var rows = new List<long>();
        var cols = new List<long>();
        for (int i = 0; i < n; i++)
            foreach (var e in known[i])
                if (e != targets[i]) { rows.Add(i); cols.Add(e); }
        var candidate = torch.OnesLike(scores).Bool();
        if (rows.Count > 0)
        {
            var rt = Tensor.From(rows.ToArray(), rows.Count).To(scores.Device);
            var ct = Tensor.From(cols.ToArray(), cols.Count).To(scores.Device);
            candidate.IndexPut_([rt, ct], torch.Zeros([rows.Count], ScalarType.Bool, scores.Device));
        }
        // A NaN score is treated as the worst possible, whoever holds it.
        var clean = scores.MaskedFill(scores.IsNan(), double.NegativeInfinity);
        var trueClean = clean.Gather(1, target.Unsqueeze(1));
        var higher = clean.Gt(trueClean).LogicalAnd(candidate).Sum(1).Double();
        var equal = clean.Eq(trueClean).LogicalAnd(candidate).Sum(1).Double();
        var rank = (higher + 1.0 + (equal - 1.0) * 0.5).Cpu().ToArray<double>();
        rank.CopyTo(ranks);
    }
}
