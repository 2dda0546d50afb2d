using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;
using MLExtensions.Torch;
using MLExtensions.Training;

namespace MLExtensions.Tests.Components.FewShot;

[TestClass]
public sealed class FewShotClassifierTests
{
    private static FewShotModel? _model;

    // ProtoNet with an MLP on digits 0-4; digits 5-9 are never seen in training.
    private static FewShotModel Model()
    {
        if (_model != null) return _model;
        var ctx = new MLExtContext(seed: 5);
        var trainer = ctx.FewShotClassifier(new FewShotOptions { Ways = 5, Shots = 1, Queries = 10, Episodes = 300, HiddenSizes = [128, 64], ValidationInterval = 0 });
        _model = trainer.Fit(FewShotTestData.DigitsWhere(d => d < 5));
        return _model;
    }

    [ClassCleanup]
    public static void Cleanup() => _model?.Dispose();

    [TestMethod]
    public void ATimeBudgetStopsTrainingEarlyAndSaysWhere()
    {
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        var o = new FewShotOptions { Ways = 3, Shots = 1, Queries = 2, Episodes = 50, HiddenSizes = [16], ValidationInterval = 0 };
        using var full = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(train);
        Assert.IsFalse(full.Metrics.ContainsKey("episodes_trained"), "no budget: every episode runs");
        // A budget that any episode outlasts (a millionth of a minute): training stops after the first one.
        o.MaxMinutes = 1e-6;
        using var cut = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(train);
        Assert.AreEqual(1.0, cut.Metrics["episodes_trained"]);
        o.MaxMinutes = -1;
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MLExtContext(seed: 1).FewShotClassifier(o).Fit(train));
        StringAssert.Contains(e.Message, "MaxMinutes");
    }

    [TestMethod]
    public void ProtoNetOnUnseenDigitsClearlyBeatsChance()
    {
        var test = FewShotTestData.DigitsWhere(d => d >= 5);
        var one = Model().Evaluate(test, ways: 5, shots: 1, queries: 10, episodes: 100, seed: 3);
        var five = Model().Evaluate(test, ways: 5, shots: 5, queries: 10, episodes: 100, seed: 3);
        Assert.IsGreaterThan(0.45, one.Accuracy, one.ToString()); // chance: 0.2
        Assert.IsGreaterThan(one.Accuracy, five.Accuracy, five.ToString());
        Assert.IsGreaterThan(0.0, one.Ci95);
        Assert.IsLessThan(0.05, one.Ci95);
        Assert.AreEqual(100, one.Episodes);
    }

    [TestMethod]
    public void SameSeedSameModel()
    {
        var ctx = new MLExtContext(seed: 9);
        var o = new FewShotOptions { Episodes = 20, HiddenSizes = [32], ValidationInterval = 0 };
        var data = FewShotTestData.DigitsWhere(d => d < 5);
        using var a = ctx.FewShotClassifier(o).Fit(data);
        using var b = new MLExtContext(seed: 9).FewShotClassifier(o).Fit(data);
        var ea = a.Transform(data.Slice(0, 20)).GetColumn<FloatVectorColumn>("Embedding").Values.ToArray();
        var eb = b.Transform(data.Slice(0, 20)).GetColumn<FloatVectorColumn>("Embedding").Values.ToArray();
        CollectionAssert.AreEqual(ea, eb);
    }

    [TestMethod]
    public void StandardisationModesSetTheInputScale()
    {
        var data = FewShotTestData.DigitsWhere(d => d < 5);
        float[] Scale(FewShotStandardisation s)
        {
            var o = new FewShotOptions { Episodes = 1, HiddenSizes = [8], ValidationInterval = 0, Standardisation = s };
            using var m = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(data);
            return m.Encoder.StateDict()["input_std"].ToArray<float>();
        }
        var global = Scale(FewShotStandardisation.Global);
        Assert.AreEqual(1, global.Distinct().Count(), "one scale for every feature");
        Assert.IsGreaterThan(0.01f, global[0]);
        var perFeature = Scale(FewShotStandardisation.PerFeature);
        Assert.IsGreaterThan(10, perFeature.Distinct().Count());
        // Digits' corner pixels never vary on 0-4: per-feature scaling floors them at 1e-3, which blows new classes' values up.
        Assert.AreEqual(1e-3f, perFeature.Min(), 1e-6f);
        CollectionAssert.AreEqual(Enumerable.Repeat(1f, 64).ToArray(), Scale(FewShotStandardisation.None));
    }

    private static (DataBatch Support, DataBatch Query) SupportAndQuery() => FewShotTestData.UnseenDigits(3);

    [TestMethod]
    public void AdaptedClassifierScoresTheSupportClassesAndReloadsIdentically()
    {
        var (support, query) = SupportAndQuery();
        using var classifier = Model().Adapt(support);
        CollectionAssert.AreEqual(new[] { "5", "6", "7", "8", "9" }, classifier.Classes.Labels.ToArray());
        var scored = classifier.Transform(query);
        var score = scored.GetColumn<FloatVectorColumn>("Score");
        CollectionAssert.AreEqual(new[] { "5", "6", "7", "8", "9" }, score.SlotNames!.ToArray());
        Assert.AreEqual(1.0, score.GetRow(0).ToArray().Sum(), 1e-4);
        Assert.IsGreaterThan(0.55, classifier.Accuracy(query));

        var dir = FewShotTestData.TempFolder();
        try
        {
            var path = Path.Combine(dir, "adapted.zip");
            classifier.Save(path);
            using var loaded = ModelFile.Load<FewShotClassifier>(path);
            var again = loaded.Transform(query);
            CollectionAssert.AreEqual(score.Values.ToArray(), again.GetColumn<FloatVectorColumn>("Score").Values.ToArray());
            CollectionAssert.AreEqual(scored.GetColumn<KeyColumn>("PredictedLabel").Values.ToArray(), again.GetColumn<KeyColumn>("PredictedLabel").Values.ToArray());

            var modelPath = Path.Combine(dir, "model.zip");
            Model().Save(modelPath);
            using var reloadedModel = ModelFile.Load<FewShotModel>(modelPath);
            using var adaptedAgain = reloadedModel.Adapt(support);
            CollectionAssert.AreEqual(score.Values.ToArray(), adaptedAgain.Transform(query).GetColumn<FloatVectorColumn>("Score").Values.ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void BadSupportAndQueryGiveClearErrors()
    {
        var (support, query) = SupportAndQuery();
        var empty = Assert.ThrowsExactly<ArgumentException>(() => Model().Adapt(support.Slice(0, 0)));
        StringAssert.Contains(empty.Message, "empty");

        var keys = new KeyColumn("Label", new long[] { 0, 0, 2, 2 }, ["a", "b", "c"]);
        var zeroShot = new DataBatch(support.GetColumn<FloatVectorColumn>("Features").Slice(0, 4), keys);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Model().Adapt(zeroShot));
        StringAssert.Contains(e.Message, "'b'");

        var narrow = new DataBatch(new FloatVectorColumn("Features", new float[8 * 32], 32), new TextColumn("Label", Enumerable.Range(0, 8).Select(i => (i % 2).ToString()).ToArray()));
        var size = Assert.ThrowsExactly<ArgumentException>(() => Model().Adapt(narrow));
        StringAssert.Contains(size.Message, "64");

        using var classifier = Model().Adapt(support);
        var strange = new DataBatch(query.GetColumn<FloatVectorColumn>("Features").Slice(0, 2), new TextColumn("Label", new[] { "5", "3" }));
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => classifier.Accuracy(strange));
        StringAssert.Contains(unknown.Message, "'3'");
    }

    [TestMethod]
    public void TrainingReportsProgressAndValidatesOnHeldOutClasses()
    {
        var reports = new List<TrainingProgress>();
        var ctx = new MLExtContext(seed: 2);
        var trainer = ctx.FewShotClassifier(new FewShotOptions
        {
            Ways = 3, Shots = 1, Queries = 5, Episodes = 40, ValidationInterval = 20, ValidationEpisodes = 10,
            ValidationClassFraction = 0.3, HiddenSizes = [32],
        });
        trainer.Progress = new SyncProgress(reports.Add);
        using var model = trainer.Fit(FewShotTestData.DigitsWhere(_ => true));
        Assert.AreEqual(2, reports.Count(r => r.IsValidation));
        Assert.AreEqual(40, reports[^1].Step);
        Assert.IsTrue(model.Metrics.ContainsKey("val_accuracy"));
    }

    [TestMethod]
    public void SimpleShotAndGradientMethodsTrainAndAdapt()
    {
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        var (support, query) = SupportAndQuery();
        foreach (var algorithm in new[] { FewShotAlgorithm.SimpleShot, FewShotAlgorithm.Maml, FewShotAlgorithm.FoMaml, FewShotAlgorithm.Reptile })
        {
            var o = new FewShotOptions { Algorithm = algorithm, Episodes = 40, HiddenSizes = [64], ValidationInterval = 0, InnerSteps = 3, InnerLearningRate = 0.1 };
            using var model = new MLExtContext(seed: 4).FewShotClassifier(o).Fit(train);
            using var classifier = model.Adapt(support);
            Assert.IsGreaterThan(0.4, classifier.Accuracy(query), algorithm.ToString());
            var dir = FewShotTestData.TempFolder();
            try
            {
                classifier.Save(Path.Combine(dir, "c.zip"));
                using var loaded = ModelFile.Load<FewShotClassifier>(Path.Combine(dir, "c.zip"));
                CollectionAssert.AreEqual(classifier.Transform(query.Slice(0, 30)).GetColumn<FloatVectorColumn>("Score").Values.ToArray(),
                    loaded.Transform(query.Slice(0, 30)).GetColumn<FloatVectorColumn>("Score").Values.ToArray(), algorithm.ToString());
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [TestMethod]
    public void ReptileMovesTheInitialisationByTheStepSizeTowardsTheAdaptedWeights()
    {
        // One meta-step from the same start and the same task: the move is ε (adapted - start), so linear in ε.
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        float[] Weights(double step)
        {
            var o = new FewShotOptions { Algorithm = FewShotAlgorithm.Reptile, Episodes = 1, HiddenSizes = [16], ValidationInterval = 0, InnerSteps = 3, InnerLearningRate = 0.1, ReptileStepSize = step };
            using var m = new MLExtContext(seed: 2).FewShotClassifier(o).Fit(train);
            return m.Encoder.Parameters().SelectMany(p => p.ToArray<float>()).ToArray();
        }
        var (quarter, half, full) = (Weights(0.25), Weights(0.5), Weights(1.0));
        double moved = 0;
        for (int i = 0; i < full.Length; i++)
        {
            Assert.AreEqual(2 * (half[i] - quarter[i]), full[i] - half[i], 1e-4, $"weight {i}");
            moved = Math.Max(moved, Math.Abs(full[i] - half[i]));
        }
        Assert.IsGreaterThan(1e-3, moved, "the meta-step moved the weights");
    }

    [TestMethod]
    public void AdaptationStepsAreThoseOfTheScoringSetting()
    {
        // From the zero-initialised head, the first inner step changes only the head; later steps change the encoder too.
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        var (support, _) = SupportAndQuery();
        var o = new FewShotOptions { Algorithm = FewShotAlgorithm.FoMaml, Episodes = 5, HiddenSizes = [16], ValidationInterval = 0, InnerSteps = 1, AdaptationSteps = 3, InnerLearningRate = 0.1 };
        using var model = new MLExtContext(seed: 3).FewShotClassifier(o).Fit(train);
        float[] Encoder(FewShotEncoder e) => e.Parameters().SelectMany(p => p.ToArray<float>()).ToArray();
        var start = Encoder(model.Encoder);
        using (var three = model.Adapt(support))
            CollectionAssert.AreNotEqual(start, Encoder(three.Encoder), "three adaptation steps move the encoder");
        model.Options.AdaptationSteps = 0; // as InnerSteps: one step
        using (var one = model.Adapt(support))
            CollectionAssert.AreEqual(start, Encoder(one.Encoder), "one step from a zero head leaves the encoder as it is");
        Assert.ThrowsExactly<ArgumentException>(() => new MLExtContext(seed: 3).FewShotClassifier(new FewShotOptions { AdaptationSteps = -1 }).Fit(train));
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
