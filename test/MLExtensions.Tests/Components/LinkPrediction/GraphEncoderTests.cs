using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

[TestClass]
public sealed class GraphEncoderTests
{
    private static int _threads;

    [ClassInitialize]
    public static void OneThread(TestContext _)
    {
        _threads = torch.NumThreads;
        torch.NumThreads = 1;
    }

    [ClassCleanup]
    public static void RestoreThreads() => torch.NumThreads = _threads;

    [TestMethod]
    public void Messages_follow_edges_both_ways_with_mean_normalisation()
    {
        // Graph 0 -r-> 1, 2 -r-> 1; one basis fixed to the identity with coefficient 1 for r and r⁻¹, self-loop 0.
        var edges = new TripleIds([0, 2], [0, 0], [1, 1]);
        using var encoder = new RgcnEncoder(3, 1, 2, edges, layers: 1, bases: 1);
        using (torch.NoGrad())
            foreach (var (name, p) in encoder.NamedParameters())
            {
                if (name.StartsWith("bases", StringComparison.Ordinal)) p.Copy_(torch.Eye(2).Unsqueeze(0));
                else if (name.StartsWith("coef", StringComparison.Ordinal)) p.Fill_(1);
                else p.Zero_();
            }
        using var x = Tensor.From(new float[] { 1, 0, 0, 10, 100, 0 }, 3, 2);
        using var r = torch.Zeros([1, 2]);
        using var h = encoder.Forward(x, r);
        // Entity 1 receives from 0 and 2 (in-degree 2): mean of rows 0 and 2; entities 0 and 2 receive entity 1 via r⁻¹.
        CollectionAssert.AreEqual(new float[] { 0, 10, 50.5f, 0, 0, 10 }, h.ToArray<float>());
    }

    [TestMethod]
    [DataRow(RgcnDecomposition.Basis)]
    [DataRow(RgcnDecomposition.BlockDiagonal)]
    public void Rgcn_distmult_learns_the_family_graph_and_reloads_identically(RgcnDecomposition decomposition)
    {
        var (train, test) = FamilyGraph.Split(12, 0.1, seed: 7);
        var options = new LinkPredictionOptions
        {
            Model = KgeModelKind.DistMult, Encoder = EntityEncoderKind.Rgcn, RgcnDecomposition = decomposition, EncoderBases = 4,
            Dim = 32, Epochs = 30, BatchSize = 128, LearningRate = 0.03, EarlyStoppingPatience = 0,
        };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        Assert.IsNotNull(model.Network.Encoder);
        var metrics = model.Evaluate(test, [train]);
        Console.WriteLine($"R-GCN ({decomposition}) + DistMult: filtered test MRR {metrics.Mrr:F3}, H@10 {metrics.Both.HitsAt10:F3}");
        Assert.IsTrue(metrics.Mrr > 0.3, $"filtered MRR {metrics.Mrr:F3} (chance ≈ 0.045)");

        SavedModel.RoundTrip(model, loaded =>
        {
            Assert.AreEqual(EntityEncoderKind.Rgcn, loaded.Options.Encoder);
            CollectionAssert.AreEqual(model.ScoreTriples(test.Triples), loaded.ScoreTriples(test.Triples));
        });
    }

    [TestMethod]
    [DataRow(KgeModelKind.DistMult, CompGcnComposition.Multiply)]
    [DataRow(KgeModelKind.ComplEx, CompGcnComposition.Subtract)]
    public void CompGcn_encoder_learns_the_family_graph_and_reloads_identically(KgeModelKind decoder, CompGcnComposition composition)
    {
        var (train, test) = FamilyGraph.Split(12, 0.1, seed: 7);
        var options = new LinkPredictionOptions
        {
            Model = decoder, Encoder = EntityEncoderKind.CompGcn, CompGcnComposition = composition,
            Dim = 32, Epochs = 30, BatchSize = 128, LearningRate = 0.03, EarlyStoppingPatience = 0,
        };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        var metrics = model.Evaluate(test, [train]);
        Console.WriteLine($"CompGCN ({composition}) + {decoder}: filtered test MRR {metrics.Mrr:F3}, H@10 {metrics.Both.HitsAt10:F3}");
        Assert.IsTrue(metrics.Mrr > 0.3, $"filtered MRR {metrics.Mrr:F3} (chance ≈ 0.045)");
        SavedModel.RoundTrip(model, loaded => CollectionAssert.AreEqual(model.ScoreTriples(test.Triples), loaded.ScoreTriples(test.Triples)));
    }

    [TestMethod]
    public void CompGcn_refuses_a_decoder_whose_relation_width_differs()
    {
        var (train, _) = FamilyGraph.Split(2, 0.0, seed: 1);
        var options = new LinkPredictionOptions { Model = KgeModelKind.RotatE, Encoder = EntityEncoderKind.CompGcn, Dim = 8, Epochs = 1 };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train));
        StringAssert.Contains(e.Message, "CompGCN");
    }
}
