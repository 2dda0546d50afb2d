using MLExtensions.Components.LinkPrediction;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>
/// Scoring a query against every entity (ranking, top-k) must give the scores of the triples it stands for: the
/// all-entity paths (RotatE's fused kernel without autograd, its tensor form with autograd) against the per-triple score.
/// </summary>
[TestClass]
public sealed class AllEntityScoringTests
{
    private const int Entities = 300;
    private const int Relations = 3;
    private const int Queries = 24;
    private const double Margin = 6.0;

    // A RotatE model whose entity rows 17 and 250 are copies of row 5 (their scores must tie exactly).
    private static RotatE TiedRotatE(int dim, bool reciprocal)
    {
        torch.ManualSeed(11);
        var model = new RotatE(Entities, Relations, dim, margin: Margin, reciprocal: reciprocal);
        using var noGrad = torch.NoGrad();
        var row = model.EntityWeight.Narrow(0, 5, 1);
        model.EntityWeight.Narrow(0, 17, 1).Copy_(row);
        model.EntityWeight.Narrow(0, 250, 1).Copy_(row);
        return model;
    }

    private static (Tensor Heads, Tensor Relations, Tensor Tails) RandomQueries(int seed)
    {
        var random = new Random(seed);
        var h = Enumerable.Range(0, Queries).Select(_ => (long)random.Next(Entities)).ToArray();
        var r = Enumerable.Range(0, Queries).Select(_ => (long)random.Next(Relations)).ToArray();
        var t = Enumerable.Range(0, Queries).Select(_ => (long)random.Next(Entities)).ToArray();
        h[0] = 5;    // a query whose head is one of the tied rows
        t[1] = 17;
        return (Tensor.From(h, Queries), Tensor.From(r, Queries), Tensor.From(t, Queries));
    }

    // Per-triple scores of (query i, candidate e) for every e: [Queries, Entities].
    private static float[] PerTriple(KgeModel model, Tensor heads, Tensor relations, Tensor tails, bool candidateIsTail)
    {
        var all = torch.Arange(Entities).Unsqueeze(0).Expand([Queries, Entities]);
        var h = candidateIsTail ? heads.Unsqueeze(1).Expand([Queries, Entities]) : all;
        var t = candidateIsTail ? all : tails.Unsqueeze(1).Expand([Queries, Entities]);
        var r = relations.Unsqueeze(1).Expand([Queries, Entities]);
        return model.ScoreTriples(h.Contiguous(), r.Contiguous(), t.Contiguous()).ToArray<float>();
    }

    // The fused kernel computes every term with the same float operations and sums them in libtorch's order, so on a CPU
    // where it reproduces libtorch's summation the scores are equal bit for bit (as on the 8-lane AVX2 machines
    // measured); where it does not (an AVX-512 machine with Debian's libtorch 1.13: up to 4 ulps of the distance) the
    // distance moves by a few ulps. The score is γ − distance, so the tolerance is relative to the distance (at most
    // γ + |score|), not to the score, which cancellation can make small; a wrong term, coordinate or summation would
    // still not pass.
    private static void AssertEqualScores(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        int differing = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > 1e-6 * (Margin + Math.Abs(expected[i])))
            {
                differing++;
                if (first < 0) first = i;
            }
        Assert.AreEqual(0, differing, first < 0 ? what :
            $"{what}: {differing} of {expected.Length} scores differ, first at {first}: {expected[first]:R} vs {actual[first]:R}");
    }

    private static void AssertTies(float[] scores, string what)
    {
        for (int q = 0; q < Queries; q++)
        {
            Assert.AreEqual(scores[q * Entities + 5], scores[q * Entities + 17], 0f, $"{what}: query {q}, entities 5 and 17");
            Assert.AreEqual(scores[q * Entities + 5], scores[q * Entities + 250], 0f, $"{what}: query {q}, entities 5 and 250");
        }
    }

    // |h·r − t| is scored for all heads as |t·conj(r) − h|: equal in exact arithmetic, not in float.
    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / Math.Max(1.0, Math.Abs(expected[i])));
        Assert.IsTrue(worst < 1e-5, $"{what}: largest relative difference {worst:E2}");
    }

    private static (float[] Tails, float[] Heads) WithAutograd(KgeModel model, Tensor h, Tensor r, Tensor t)
    {
        using var grad = torch.EnableGrad();
        var tails = model.ScoreTails(h, r);
        Assert.IsTrue(tails.RequiresGrad, "with autograd on, the tensor form (which keeps gradients) must be used");
        return (tails.Detach().ToArray<float>(), model.ScoreHeads(r, t).Detach().ToArray<float>());
    }

    // Dims: below one vector (scalar sums only), vectors plus a scalar tail, WN18RR's 100, and rows long enough for
    // the cascade of partial sums (75 eight-lane vectors).
    [TestMethod]
    [DataRow(5)]
    [DataRow(37)]
    [DataRow(100)]
    [DataRow(600)]
    public void RotatE_fused_all_entity_scores_equal_the_tensor_form_and_per_triple_scores_and_keep_ties(int dim)
    {
        using var scope = torch.NewDisposeScope();
        using var model = TiedRotatE(dim, reciprocal: false);
        var (h, r, t) = RandomQueries(seed: 3);
        var (gradTails, gradHeads) = WithAutograd(model, h, r, t);
        using var noGrad = torch.NoGrad();
        var tails = model.ScoreTails(h, r);
        var heads = model.ScoreHeads(r, t);
        CollectionAssert.AreEqual(new long[] { Queries, Entities }, tails.Shape);
        CollectionAssert.AreEqual(new long[] { Queries, Entities }, heads.Shape);
        var fastTails = tails.ToArray<float>();
        var fastHeads = heads.ToArray<float>();
        AssertEqualScores(gradTails, fastTails, "tails, fused vs tensor form");
        AssertEqualScores(gradHeads, fastHeads, "heads, fused vs tensor form");
        AssertEqualScores(PerTriple(model, h, r, t, candidateIsTail: true), fastTails, "tails vs per-triple scores");
        AssertClose(PerTriple(model, h, r, t, candidateIsTail: false), fastHeads, "heads vs per-triple scores");
        AssertTies(fastTails, "tails");
        AssertTies(fastHeads, "heads");
        // Query 0's head is entity 5, a copy of entity 17: its score against 17 is that of the self-loop (5, r, 5).
        var selfLoop = model.ScoreTriples(h.Narrow(0, 0, 1), r.Narrow(0, 0, 1), Tensor.From(new long[] { 5 }, 1)).ToArray<float>();
        AssertEqualScores(selfLoop, [fastTails[17]], "the self-loop (5, r, 5) vs the score of query 0 against entity 17");
    }

    [TestMethod]
    public void RotatE_fused_head_scores_of_a_reciprocal_model_are_its_inverse_relation_tail_scores()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TiedRotatE(dim: 100, reciprocal: true);
        var (h, r, t) = RandomQueries(seed: 4);
        var (gradTails, gradHeads) = WithAutograd(model, h, r, t);
        using var noGrad = torch.NoGrad();
        var fastTails = model.ScoreTails(h, r).ToArray<float>();
        var fastHeads = model.ScoreHeads(r, t).ToArray<float>();
        AssertEqualScores(gradTails, fastTails, "tails, fused vs tensor form");
        AssertEqualScores(gradHeads, fastHeads, "heads (inverse relations), fused vs tensor form");
        AssertEqualScores(PerTriple(model, h, r, t, candidateIsTail: true), fastTails, "tails vs per-triple scores");
        AssertTies(fastHeads, "heads (inverse relations)");
        // A reciprocal model's head query (?, r, t) is the tail query (t, r + R, ?).
        CollectionAssert.AreEqual(model.ScoreTails(t, r + Relations).ToArray<float>(), fastHeads);
    }
}
