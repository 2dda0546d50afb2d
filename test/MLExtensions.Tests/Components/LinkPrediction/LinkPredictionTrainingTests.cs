using MLExtensions.Components.LinkPrediction;
using MLExtensions.Torch;
using MLExtensions.Torch.Optim;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Training;

namespace MLExtensions.Tests.Components.LinkPrediction;

[TestClass]
public sealed partial class LinkPredictionTrainingTests
{
    // 12 families x 10 people = 120 entities; 6 relations; ~1,000 triples, 10% held out.
    private const int Families = 12;
    private static int _threads;

    // These graphs are tiny: one intra-op thread is fastest, and avoids oversubscribing a shared machine.
    [ClassInitialize]
    public static void OneThread(TestContext _)
    {
        _threads = MLExtensions.Torch.torch.NumThreads;
        MLExtensions.Torch.torch.NumThreads = 1;
    }

    [ClassCleanup]
    public static void RestoreThreads() => MLExtensions.Torch.torch.NumThreads = _threads;

    private static LinkPredictionOptions Small(KgeModelKind kind, LinkPredictionTrainingMode mode = LinkPredictionTrainingMode.OneToN) => new()
    {
        Model = kind, Mode = mode, Dim = 32, Epochs = 60, BatchSize = 128, LearningRate = 0.02,
        Regularization = KgeRegularization.N3, RegularizationWeight = 1e-3, EarlyStoppingPatience = 0,
        NegativesPerPositive = 32, Margin = 6,
    };

    private static (LinkPredictionModel Model, LinkPredictionMetrics Metrics) TrainAndTest(LinkPredictionOptions options)
    {
        var (train, test) = FamilyGraph.Split(Families, 0.1, seed: 7);
        var trainer = new LinkPredictionTrainer(new MLExtContext(seed: 1), options);
        var model = trainer.Fit(train);
        return (model, model.Evaluate(test, [train]));
    }

    [TestMethod]
    [DataRow(KgeModelKind.DistMult, LinkPredictionTrainingMode.OneToN)]
    [DataRow(KgeModelKind.ComplEx, LinkPredictionTrainingMode.OneToN)]
    [DataRow(KgeModelKind.RotatE, LinkPredictionTrainingMode.NegativeSampling)]
    [DataRow(KgeModelKind.TransE, LinkPredictionTrainingMode.NegativeSampling)]
    public void Each_decoder_learns_the_family_graph_well_above_chance(KgeModelKind kind, LinkPredictionTrainingMode mode)
    {
        var (model, metrics) = TrainAndTest(Small(kind, mode));
        using (model)
        {
            // Chance: a random ranking of 120 entities gives MRR ≈ (ln 120 + 0.58)/120 ≈ 0.045.
            Console.WriteLine($"{kind} {mode}: filtered test MRR {metrics.Mrr:F3}, H@1 {metrics.Both.HitsAt1:F3}, H@10 {metrics.Both.HitsAt10:F3} on {metrics.Both.Count / 2} triples");
            Assert.IsTrue(metrics.Both.Count > 100, $"held-out ranks: {metrics.Both.Count}");
            Assert.IsTrue(metrics.Mrr > 0.3, $"{kind} filtered MRR {metrics.Mrr:F3} is not well above chance (0.045)");
            Assert.IsTrue(metrics.Both.HitsAt10 > 0.6, $"{kind} Hits@10 {metrics.Both.HitsAt10:F3}");
        }
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Negative_sampling_learns_with_row_wise_or_dense_entity_updates(bool rowwise)
    {
        var options = Small(KgeModelKind.DistMult, LinkPredictionTrainingMode.NegativeSampling);
        options.RowwiseEntityUpdates = rowwise;
        var (model, metrics) = TrainAndTest(options);
        using (model)
        {
            Console.WriteLine($"DistMult NS, row-wise {rowwise}: filtered test MRR {metrics.Mrr:F3}, H@10 {metrics.Both.HitsAt10:F3}");
            Assert.IsTrue(metrics.Mrr > 0.3, $"filtered MRR {metrics.Mrr:F3} (chance 0.045)");
        }
    }

    [TestMethod]
    public void Row_wise_AdamW_matches_dense_AdamW_on_touched_rows_and_leaves_the_others()
    {
        using var scope = torch.NewDisposeScope();
        var start = Tensor.From(Enumerable.Range(0, 12).Select(i => (float)Math.Sin(i)).ToArray(), 4, 3);
        var dense = start.Clone().RequiresGrad_();
        var sparse = start.Clone();
        using var adam = new AdamW([dense], 0.1, weightDecay: 0.01);
        using var rowwise = new RowwiseAdamW(sparse, 0.1, weightDecay: 0.01);
        var rows = Tensor.From(new long[] { 0, 2 }, 2);
        for (int step = 1; step <= 3; step++)
        {
            var grad = Tensor.From(Enumerable.Range(0, 6).Select(i => (float)(i - step)).ToArray(), 2, 3);
            // Dense reference: the same gradient on rows 0 and 2 ... and, as AdamW does, a zero one elsewhere.
            (dense * torch.Zeros([4, 3]).IndexAdd(0, rows, grad)).Sum().Backward();
            adam.Step();
            adam.ZeroGrad();
            rowwise.Step(rows, grad);
        }
        var d = dense.Detach().ToArray<float>();
        var s = sparse.ToArray<float>();
        var s0 = start.ToArray<float>();
        for (int i = 0; i < 12; i++)
        {
            int row = i / 3;
            if (row is 0 or 2) Assert.AreEqual(d[i], s[i], 1e-6, $"touched row {row}");
            else Assert.AreEqual(s0[i], s[i], $"untouched row {row} must not move");
        }
    }

    [TestMethod]
    public void Early_stopping_keeps_the_best_validation_weights_and_reports_progress()
    {
        var (train, valid) = FamilyGraph.Split(Families, 0.1, seed: 3);
        var options = Small(KgeModelKind.ComplEx);
        options.Epochs = 40;
        options.EarlyStoppingPatience = 3;
        options.LearningRate = 0.05;
        var trainer = new LinkPredictionTrainer(new MLExtContext(seed: 2), options);
        var reports = new List<TrainingProgress>();
        using var model = trainer.Fit(train, valid, new Progress(reports));
        var result = trainer.LastResult!;
        Assert.IsNotNull(result.BestMetric);
        Assert.IsTrue(reports.Any(r => r.IsValidation && r.MetricName == "val_mrr"));
        // The model carries the best validation weights: evaluating again gives the best metric.
        var again = model.Evaluate(valid, [train]).Mrr;
        var validOnly = model.Evaluate(valid, [train]);
        Assert.AreEqual(result.BestMetric!.Value, again, 1e-6);
        Assert.AreEqual(again, validOnly.Mrr, 1e-12);
        Assert.AreEqual(result.BestMetric.Value, model.Metrics["valid_mrr"], 1e-12);
    }

    private sealed class Progress(List<TrainingProgress> into) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => into.Add(value);
    }

    [TestMethod]
    public void Save_then_load_gives_identical_scores_and_top_k()
    {
        var (train, test) = FamilyGraph.Split(Families, 0.1, seed: 5);
        var options = Small(KgeModelKind.ComplEx);
        options.Epochs = 5;
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 4), options).Fit(train);
        var path = Path.Combine(Path.GetTempPath(), $"kg-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(path);
            using var loaded = ModelFile.Load<LinkPredictionModel>(path);
            var before = model.ScoreTriples(test.Triples);
            var after = loaded.ScoreTriples(test.Triples);
            CollectionAssert.AreEqual(before, after);
            Assert.AreEqual(model.Maps.Entities.Count, loaded.Maps.Entities.Count);
            CollectionAssert.AreEqual(model.Maps.Entities.ToArray(), loaded.Maps.Entities.ToArray());
            var q = new[] { ("f0_grandfather", "parent_of"), ("f3_child1", "spouse_of") };
            var a = model.PredictTails(q, 5);
            var b = loaded.PredictTails(q, 5);
            for (int i = 0; i < q.Length; i++) CollectionAssert.AreEqual(a[i], b[i]);
            Assert.AreEqual(KgeModelKind.ComplEx, loaded.Options.Model);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Transform_adds_score_and_probability_and_refuses_unknown_names()
    {
        var (train, _) = FamilyGraph.Split(Families, 0.1, seed: 5);
        var options = Small(KgeModelKind.DistMult);
        options.Epochs = 40;
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 4), options).Fit(train);
        var batch = new DataBatch(
            new TextColumn("Head", new[] { "f1_grandmother", "f1_grandmother" }),
            new TextColumn("Relation", new[] { "spouse_of", "spouse_of" }),
            new TextColumn("Tail", new[] { "f1_grandfather", "f5_grandchild01" }));
        var scored = model.Transform(batch);
        var score = scored.GetColumn<FloatColumn>("Score");
        var probability = scored.GetColumn<FloatColumn>("Probability");
        Assert.IsTrue(score[0] > score[1], "the true spouse scores above an unrelated person");
        Assert.AreEqual(1 / (1 + Math.Exp(-score[0])), probability[0], 1e-6);

        var unknownRelation = new DataBatch(new TextColumn("Head", new[] { "f1_grandmother" }),
            new TextColumn("Relation", new[] { "cousin_of" }), new TextColumn("Tail", new[] { "f1_grandfather" }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(unknownRelation));
        StringAssert.Contains(e.Message, "unknown relation 'cousin_of'");
        StringAssert.Contains(e.Message, "row 1");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => model.PredictHeads([("parent_of", "nobody")], 3));
        StringAssert.Contains(e2.Message, "unknown entity 'nobody'");
    }

    [TestMethod]
    public void Top_k_tails_and_heads_leave_out_known_links_when_asked()
    {
        var (train, _) = FamilyGraph.Split(Families, 0.0, seed: 5);
        var options = Small(KgeModelKind.ComplEx);
        options.Epochs = 40;
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 4), options).Fit(train);
        var tails = model.PredictTails([("f2_grandfather", "grandparent_of")], 4)[0];
        Assert.AreEqual(4, tails.Length);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, tails.Select(t => t.Rank).ToArray());
        Assert.IsTrue(tails.Zip(tails.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        // The four grandchildren of f2 are the true answers.
        Assert.IsTrue(tails.Count(t => t.Entity.StartsWith("f2_grandchild", StringComparison.Ordinal)) >= 3,
            string.Join(", ", tails.Select(t => t.Entity)));
        var heads = model.PredictHeads([("spouse_of", "f4_inlaw0")], 3, exclude: train)[0];
        Assert.IsFalse(heads.Any(h => h.Entity == "f4_child0"), "a known link is left out when exclude is given");
    }
}
