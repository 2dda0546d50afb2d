using System.Text.Json.Nodes;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>Filtered ranking results: both directions together, each direction, and the same per relation.</summary>
public sealed class LinkPredictionMetrics
{
    internal LinkPredictionMetrics(RankingMetrics both, RankingMetrics head, RankingMetrics tail,
                                   IReadOnlyDictionary<string, (RankingMetrics Both, RankingMetrics Head, RankingMetrics Tail)> perRelation,
                                   IReadOnlyList<double> headRanks, IReadOnlyList<double> tailRanks, int skipped)
    {
        Both = both; Head = head; Tail = tail; PerRelation = perRelation;
        HeadRanks = headRanks; TailRanks = tailRanks; SkippedTriples = skipped;
    }

    /// <summary>Head and tail predictions together (the usual headline figures).</summary>
    public RankingMetrics Both { get; }
    /// <summary>Predicting the head of (?, r, t).</summary>
    public RankingMetrics Head { get; }
    /// <summary>Predicting the tail of (h, r, ?).</summary>
    public RankingMetrics Tail { get; }
    /// <summary>Per relation name.</summary>
    public IReadOnlyDictionary<string, (RankingMetrics Both, RankingMetrics Head, RankingMetrics Tail)> PerRelation { get; }
    /// <summary>The filtered rank of each test triple's head, in test order.</summary>
    public IReadOnlyList<double> HeadRanks { get; }
    /// <summary>The filtered rank of each test triple's tail, in test order.</summary>
    public IReadOnlyList<double> TailRanks { get; }
    /// <summary>Test triples left out because they name an entity or relation unknown to the model.</summary>
    public int SkippedTriples { get; }

    /// <summary>Mean reciprocal rank over both directions.</summary>
    public double Mrr => Both.Mrr;

    /// <summary>
    /// JSON: mrr, hits@1, hits@3, hits@10, mean_rank, count at the top level (both directions), then "head", "tail"
    /// with the same fields, "per_relation" and "skipped_triples".
    /// </summary>
    public JsonObject ToJson()
    {
        var o = Both.ToJson();
        o["head"] = Head.ToJson();
        o["tail"] = Tail.ToJson();
        var per = new JsonObject();
        foreach (var (name, m) in PerRelation.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var r = m.Both.ToJson();
            r["head"] = m.Head.ToJson();
            r["tail"] = m.Tail.ToJson();
            per[name] = r;
        }
        o["per_relation"] = per;
        o["skipped_triples"] = SkippedTriples;
        return o;
    }
}
