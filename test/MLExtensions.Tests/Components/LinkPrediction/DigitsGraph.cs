using MLExtensions.Components.LinkPrediction;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>
/// A real homogeneous graph derived from data/digits.csv.gz: node "d{row}" for each of the 1,797 digit images, with
/// its 64 pixel intensities as features, linked to its k nearest neighbours (Euclidean, symmetrised). Every fifth
/// image is held out of training as an unseen node; of its links to training nodes, the even-numbered ones are
/// revealed at scoring time and the odd-numbered ones are the inductive test. A seeded tenth of the training graph's
/// edges is the transductive test.
/// </summary>
internal sealed record DigitsGraph(
    EdgeList Train, EdgeList TransductiveTest, NodeFeatures TrainFeatures,
    NodeFeatures UnseenFeatures, EdgeList UnseenRevealed, EdgeList UnseenTest, int[] Labels)
{
    private static readonly Lazy<DigitsGraph> Cached = new(() => Build(5));

    public static DigitsGraph Load() => Cached.Value;

    private static DigitsGraph Build(int k)
    {
        var (xs, ys) = RepoData.LoadDigits();
        int n = xs.Length;
        var edges = new SortedSet<(int, int)>();
        var distance = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float d = 0;
                for (int f = 0; f < 64; f++) { float diff = xs[i][f] - xs[j][f]; d += diff * diff; }
                distance[j] = j == i ? float.PositiveInfinity : d;
            }
            foreach (var j in Enumerable.Range(0, n).OrderBy(j => distance[j]).ThenBy(j => j).Take(k))
                edges.Add((Math.Min(i, j), Math.Max(i, j)));
        }
        static bool Unseen(int row) => row % 5 == 0;
        static string Name(int row) => $"d{row}";
        var trainEdges = edges.Where(e => !Unseen(e.Item1) && !Unseen(e.Item2)).ToList();
        var rng = new Random(3);
        var isTest = trainEdges.Select(_ => rng.NextDouble() < 0.1).ToArray();
        var unseenEdges = edges.Where(e => Unseen(e.Item1) != Unseen(e.Item2)).ToList();

        NodeFeatures Features(Func<int, bool> keep, string source)
        {
            var rows = Enumerable.Range(0, n).Where(keep).ToArray();
            return new NodeFeatures(rows.Select(Name).ToArray(), Enumerable.Range(0, 64).Select(f => $"p{f}").ToArray(),
                rows.SelectMany(r => xs[r]).ToArray(), source);
        }
        EdgeList List(IEnumerable<(int, int)> e, string source) => EdgeList.From(e.Select(x => (Name(x.Item1), Name(x.Item2))), source);

        return new DigitsGraph(
            List(trainEdges.Where((_, i) => !isTest[i]), "digits-train"),
            List(trainEdges.Where((_, i) => isTest[i]), "digits-test"),
            Features(r => !Unseen(r), "digits-features"),
            Features(Unseen, "digits-unseen-features"),
            List(unseenEdges.Where((_, i) => i % 2 == 0), "digits-unseen-revealed"),
            List(unseenEdges.Where((_, i) => i % 2 == 1), "digits-unseen-test"),
            ys.Select(y => (int)y).ToArray());
    }
}
