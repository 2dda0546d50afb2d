using System.Text.Json.Nodes;

namespace MLExtensions.Components.FewShot;

/// <summary>Accuracy over random N-way K-shot Q-query episodes: the mean and the half-width of its 95 % confidence interval.</summary>
public sealed record FewShotEvaluation(double Accuracy, double Ci95, int Ways, int Shots, int Queries, int Episodes, bool WithinGroup)
{
    /// <summary>Mean and 95 % interval half-width (1.96 standard errors) of per-episode accuracies.</summary>
    internal static FewShotEvaluation From(IReadOnlyList<double> accuracies, int ways, int shots, int queries, bool withinGroup)
    {
        int n = accuracies.Count;
        double mean = accuracies.Average();
        double var = n > 1 ? accuracies.Sum(a => (a - mean) * (a - mean)) / (n - 1) : 0;
        return new FewShotEvaluation(mean, 1.96 * Math.Sqrt(var / n), ways, shots, queries, n, withinGroup);
    }

    /// <summary>The metrics as JSON (accuracy, ci95, ways, shots, queries, episodes, withinGroup).</summary>
    public JsonObject ToJson() => new()
    {
        ["accuracy"] = Accuracy,
        ["ci95"] = Ci95,
        ["ways"] = Ways,
        ["shots"] = Shots,
        ["queries"] = Queries,
        ["episodes"] = Episodes,
        ["withinGroup"] = WithinGroup,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Ways}-way {Shots}-shot: {Accuracy:P2} ± {Ci95:P2} ({Episodes} episodes{(WithinGroup ? ", within group" : "")})";
}
