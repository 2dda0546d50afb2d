using MLExtensions.Components.LinkPrediction;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>
/// Negative-sampling batches corrupt one side: the kept side stays [B, 1] and every decoder broadcasts it against the
/// K corruptions, scoring exactly the triples a [B, K] copy of it would.
/// </summary>
[TestClass]
public sealed class NegativeBatchTests
{
    private const int Entities = 50, Relations = 4, Batch = 6, K = 7;

    private static (Tensor H, Tensor R, Tensor T) Positives()
    {
        var random = new Random(3);
        long[] Ids(int n) => Enumerable.Range(0, Batch).Select(_ => (long)random.Next(n)).ToArray();
        return (Tensor.From(Ids(Entities), Batch), Tensor.From(Ids(Relations), Batch), Tensor.From(Ids(Entities), Batch));
    }

    [TestMethod]
    public void TheSamplerCorruptsTheAskedSideAndKeepsTheOtherAsOneColumn()
    {
        var (h, r, t) = Positives();
        using var gen = new Generator(5);
        var sampler = new UniformNegativeSampler(Entities, K, gen);
        foreach (var corruptHeads in new[] { false, true })
        {
            var (nh, nr, nt) = sampler.Sample(h, r, t, corruptHeads);
            var (drawn, kept, keptIds) = corruptHeads ? (nh, nt, t) : (nt, nh, h);
            CollectionAssert.AreEqual(new long[] { Batch, K }, drawn.Shape, $"corruptHeads {corruptHeads}: drawn side");
            CollectionAssert.AreEqual(new long[] { Batch, 1 }, kept.Shape, $"corruptHeads {corruptHeads}: kept side");
            CollectionAssert.AreEqual(new long[] { Batch, 1 }, nr.Shape);
            CollectionAssert.AreEqual(keptIds.ToArray<long>(), kept.ToArray<long>());
            CollectionAssert.AreEqual(r.ToArray<long>(), nr.ToArray<long>());
            var ids = drawn.ToArray<long>();
            Assert.IsTrue(ids.All(e => e is >= 0 and < Entities), "drawn ids are entities");
            Assert.IsGreaterThan(K, ids.Distinct().Count(), "the draws vary");
        }
        using var again = new Generator(5);
        var first = new UniformNegativeSampler(Entities, K, again).Sample(h, r, t, corruptHeads: false).Tails.ToArray<long>();
        using var gen2 = new Generator(5);
        CollectionAssert.AreEqual(first, new UniformNegativeSampler(Entities, K, gen2).Sample(h, r, t, corruptHeads: false).Tails.ToArray<long>(), "seeded");
    }

    [TestMethod]
    public void EveryDecoderScoresABroadcastSideAsItsExpandedCopy()
    {
        var (h, r, t) = Positives();
        using var gen = new Generator(9);
        var sampler = new UniformNegativeSampler(Entities, K, gen);
        torch.ManualSeed(4);
        KgeModel[] models = [new DistMult(Entities, Relations, 8), new ComplEx(Entities, Relations, 8), new RotatE(Entities, Relations, 8, margin: 6.0),
                             new TransE(Entities, Relations, 8, margin: 6.0), new RotatE(Entities, Relations, 8, margin: 6.0, reciprocal: true)];
        foreach (var model in models)
        {
            using (model)
            using (torch.NoGrad())
            {
                // RotatE starts with small entity rows; larger ones make a wrong rotation visible.
                if (model is RotatE) model.EntityWeight.Mul_(20.0);
                foreach (var corruptHeads in new[] { false, true })
                {
                    var (nh, nr, nt) = sampler.Sample(h, r, t, corruptHeads);
                    var broadcast = model.ScoreTriples(nh, nr, nt);
                    CollectionAssert.AreEqual(new long[] { Batch, K }, broadcast.Shape);
                    var expanded = model.ScoreTriples(nh.Expand([Batch, K]).Contiguous(), nr.Expand([Batch, K]).Contiguous(), nt.Expand([Batch, K]).Contiguous());
                    var (a, b) = (expanded.ToArray<float>(), broadcast.ToArray<float>());
                    for (int i = 0; i < a.Length; i++)
                        Assert.AreEqual(a[i], b[i], 1e-4 * Math.Max(1, Math.Abs(a[i])), $"{model.Kind}, corruptHeads {corruptHeads}, score {i}");
                }
            }
        }
    }
}
