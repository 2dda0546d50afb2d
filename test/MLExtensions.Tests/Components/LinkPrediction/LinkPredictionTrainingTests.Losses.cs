using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;
using MLExtensions.Torch;
using MLExtensions.Torch.Optim;

namespace MLExtensions.Tests.Components.LinkPrediction;

// The training losses, penalty and optimizer on hand-computed cases; reciprocal relations end to end.
public sealed partial class LinkPredictionTrainingTests
{
    [TestMethod]
    public void One_vs_all_cross_entropy_is_the_mean_negative_log_softmax_of_the_answer()
    {
        using var scope = torch.NewDisposeScope();
        var scores = Tensor.From(new float[] { 1, 2, 3, 0, 0, 0 }, 2, 3);
        var answers = Tensor.From(new long[] { 2, 0 }, 2);
        // Query 1: log(e + e² + e³) − 3 = 0.4076059; query 2: log 3 = 1.0986123; mean 0.7531091.
        double expected = 0.5 * (Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 3 + Math.Log(3));
        Assert.AreEqual(0.7531091, expected, 1e-7);
        Assert.AreEqual(expected, OneVsAllCrossEntropyLoss.Compute(scores, answers).Item<float>(), 1e-6);
        var wrong = Tensor.From(new long[] { 2, 0, 1 }, 3);
        var e = Assert.ThrowsExactly<ArgumentException>(() => OneVsAllCrossEntropyLoss.Compute(scores, wrong));
        StringAssert.Contains(e.Message, "[2, 3]");
    }

    [TestMethod]
    public void One_to_n_bce_smooths_the_targets_and_sums_over_entities()
    {
        using var scope = torch.NewDisposeScope();
        var scores = Tensor.From(new float[] { 0, 2 }, 1, 2);
        var targets = OneToNBceLoss.MultiHot([[0L]], 2);
        // ε = 0.1, N = 2: targets 0.95 and 0.05; BCE(x, y) = log(1 + eˣ) − x·y: log 2 + (log(1 + e²) − 0.1) = 2.7200752.
        double expected = Math.Log(2) + Math.Log(1 + Math.Exp(2)) - 2 * 0.05;
        Assert.AreEqual(expected, new OneToNBceLoss(0.1).Compute(scores, targets).Item<float>(), 1e-6);
    }

    [TestMethod]
    public void N3_penalty_is_lambda_times_the_summed_cubed_moduli_per_query()
    {
        using var scope = torch.NewDisposeScope();
        var factors = new[] { Tensor.From(new float[] { 1, -2 }, 2), Tensor.From(new float[] { 0.5f }, 1) };
        // 0.1 · (1 + 8 + 0.125) / 2 queries = 0.45625; L2: 0.1 · (1 + 4 + 0.25) / 2 = 0.2625.
        Assert.AreEqual(0.45625, KgeRegularizer.Penalty(KgeRegularization.N3, 0.1, factors, 2)!.Item<float>(), 1e-6);
        Assert.AreEqual(0.2625, KgeRegularizer.Penalty(KgeRegularization.L2, 0.1, factors, 2)!.Item<float>(), 1e-6);
        Assert.IsNull(KgeRegularizer.Penalty(KgeRegularization.N3, 0, factors, 2));
    }

    [TestMethod]
    public void Adagrad_divides_by_the_root_of_the_accumulated_squares()
    {
        using var scope = torch.NewDisposeScope();
        var p = Tensor.From(new float[] { 1 }, 1).RequiresGrad_();
        using var adagrad = new Adagrad([p], 0.1);
        for (int step = 0; step < 2; step++)
        {
            (p * 2.0).Sum().Backward();   // gradient 2 each step
            adagrad.Step();
            adagrad.ZeroGrad();
        }
        // Step 1: sum 4, p = 1 − 0.1 · 2/2 = 0.9; step 2: sum 8, p = 0.9 − 0.1 · 2/√8 = 0.8292893.
        Assert.AreEqual(0.9 - 0.2 / Math.Sqrt(8), p.Detach().ToArray<float>()[0], 1e-6);
    }

    [TestMethod]
    public void A_reciprocal_model_scores_head_queries_with_the_inverse_relation()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ComplEx(5, 2, 3, reciprocal: true);
        Assert.IsTrue(model.Reciprocal);
        Assert.AreEqual(2L, model.RelationCount);
        CollectionAssert.AreEqual(new long[] { 4, 6 }, model.RelationWeight.Shape);
        var r = Tensor.From(new long[] { 0, 1 }, 2);
        var t = Tensor.From(new long[] { 3, 4 }, 2);
        var heads = model.ScoreHeads(r, t).ToArray<float>();
        var asTails = model.ScoreTails(t, Tensor.From(new long[] { 2, 3 }, 2)).ToArray<float>();
        CollectionAssert.AreEqual(asTails, heads);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, model.HeadQueryRelations(r).ToArray<long>());
        Assert.ThrowsExactly<ArgumentException>(() => new LinkPredictionTrainer(new MLExtContext(seed: 1),
            new LinkPredictionOptions { ReciprocalRelations = true, Encoder = EntityEncoderKind.Rgcn }).Fit(FamilyGraph.Split(2, 0.1, 1).Train));
    }

    [TestMethod]
    [DataRow(KgeModelKind.DistMult, KgeOptimizer.Adagrad, 0.1)]
    [DataRow(KgeModelKind.ComplEx, KgeOptimizer.AdamW, 0.02)]
    public void One_vs_all_with_reciprocal_relations_learns_the_family_graph_and_reloads(KgeModelKind kind, KgeOptimizer optimizer, double lr)
    {
        var (train, test) = FamilyGraph.Split(12, 0.1, seed: 7);
        var options = new LinkPredictionOptions
        {
            Model = kind, Mode = LinkPredictionTrainingMode.OneVsAll, ReciprocalRelations = true, Optimizer = optimizer,
            Dim = 32, Epochs = 40, BatchSize = 64, LearningRate = lr, Regularization = KgeRegularization.N3,
            RegularizationWeight = 1e-2, EarlyStoppingPatience = 0,
        };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        var metrics = model.Evaluate(test, [train]);
        Console.WriteLine($"{kind} 1vsAll reciprocal {optimizer}: filtered test MRR {metrics.Mrr:F3} (head {metrics.Head.Mrr:F3}, tail {metrics.Tail.Mrr:F3})");
        // Chance: MRR ≈ 0.045 over 120 entities; both directions must learn (head queries use the inverse relations).
        Assert.IsTrue(metrics.Head.Mrr > 0.3 && metrics.Tail.Mrr > 0.3, $"MRR head {metrics.Head.Mrr:F3}, tail {metrics.Tail.Mrr:F3}");
        var path = Path.Combine(Path.GetTempPath(), $"kg-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(path);
            using var loaded = ModelFile.Load<LinkPredictionModel>(path);
            Assert.IsTrue(loaded.Network.Reciprocal);
            Assert.AreEqual(metrics.Mrr, loaded.Evaluate(test, [train]).Mrr, 1e-12);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void A_time_budget_stops_after_the_epoch_that_exhausts_it_and_keeps_the_best_weights()
    {
        var (train, valid) = FamilyGraph.Split(4, 0.1, seed: 3);
        var options = new LinkPredictionOptions
        {
            Model = KgeModelKind.DistMult, Dim = 16, Epochs = 5, BatchSize = 64, LearningRate = 0.02,
            EarlyStoppingPatience = 3, MaxTrainingMinutes = 1e-9,   // any epoch takes longer than this
        };
        var trainer = new LinkPredictionTrainer(new MLExtContext(seed: 1), options);
        using var model = trainer.Fit(train, valid);
        var result = trainer.LastResult!;
        Assert.AreEqual(1, result.Epochs);
        Assert.IsTrue(result.StoppedEarly);
        Assert.AreEqual(result.BestMetric!.Value, model.Evaluate(valid, [train]).Mrr, 1e-6);
        Assert.ThrowsExactly<ArgumentException>(() => new LinkPredictionTrainer(new MLExtContext(seed: 1),
            new LinkPredictionOptions { MaxTrainingMinutes = -1 }).Fit(train));
    }
}
