using System.Text.Json.Nodes;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>Summary of a list of ranks (1 = best; ties give fractional mean ranks).</summary>
public sealed record RankingMetrics(int Count, double Mrr, double MeanRank, double HitsAt1, double HitsAt3, double HitsAt10)
{
    /// <summary>Metrics of <paramref name="ranks"/>; an empty list gives zeros.</summary>
    public static RankingMetrics From(IReadOnlyCollection<double> ranks)
    {
        if (ranks.Count == 0) return new RankingMetrics(0, 0, 0, 0, 0, 0);
        double n = ranks.Count;
        return new RankingMetrics(ranks.Count, ranks.Sum(r => 1.0 / r) / n, ranks.Average(),
            ranks.Count(r => r <= 1) / n, ranks.Count(r => r <= 3) / n, ranks.Count(r => r <= 10) / n);
    }

    /// <summary>As JSON: count, mrr, mean_rank, hits@1, hits@3, hits@10.</summary>
    public JsonObject ToJson() => new()
    {
        ["count"] = Count, ["mrr"] = Mrr, ["mean_rank"] = MeanRank,
        ["hits@1"] = HitsAt1, ["hits@3"] = HitsAt3, ["hits@10"] = HitsAt10,
    };
}
