using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.FewShot;

/// <summary>
/// <see cref="FewShotHeadInit.Prototypes"/> (Proto-MAML): MAML/FOMAML/Reptile start each task's head from the support
/// prototypes, so before adaptation the head is the ProtoNet classifier.
/// </summary>
[TestClass]
public sealed class FewShotHeadInitTests
{
    private static (DataBatch Support, DataBatch Query) SupportAndQuery() => FewShotTestData.UnseenDigits(2);

    [TestMethod]
    public void WithoutAdaptationThePrototypeHeadScoresAsNearestPrototypeBySquaredDistance()
    {
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        var (support, query) = SupportAndQuery();
        query = query.Slice(0, 40);
        var o = new FewShotOptions
        {
            Algorithm = FewShotAlgorithm.FoMaml, HeadInit = FewShotHeadInit.Prototypes, Episodes = 10, HiddenSizes = [32, 16],
            ValidationInterval = 0, InnerSteps = 1, InnerLearningRate = 0.1,
        };
        using var model = new MLExtContext(seed: 6).FewShotClassifier(o).Fit(train);
        model.Options.InnerLearningRate = 0; // the adaptation step moves nothing: the classifier is the starting head
        using var classifier = model.Adapt(support);

        var es = FewShotTestData.Embed(model, support);
        var eq = FewShotTestData.Embed(model, query);
        var supportLabels = ((TextColumn)support["Label"]).Values.ToArray();
        var classes = classifier.Classes.Labels.ToArray();
        var protos = classes.Select(c =>
        {
            var rows = Enumerable.Range(0, es.Length).Where(i => supportLabels[i] == c).ToArray();
            return Enumerable.Range(0, es[0].Length).Select(d => rows.Average(i => (double)es[i][d])).ToArray();
        }).ToArray();

        var score = classifier.Transform(query).GetColumn<FloatVectorColumn>("Score");
        for (int q = 0; q < eq.Length; q++)
        {
            var logits = protos.Select(p => -p.Select((v, d) => (eq[q][d] - v) * (eq[q][d] - v)).Sum()).ToArray();
            double max = logits.Max(), z = logits.Sum(l => Math.Exp(l - max));
            var got = score.GetRow(q).ToArray();
            for (int k = 0; k < classes.Length; k++)
                Assert.AreEqual(Math.Exp(logits[k] - max) / z, got[k], 2e-4, $"query {q}, class {classes[k]}");
        }
    }

    [TestMethod]
    public void WithAZeroInnerRateMamlAndFoMamlTrainAsProtoNetThroughThePrototypes()
    {
        // The unadapted prototype head gives ProtoNet's logits up to a per-query constant, so with nothing adapted the
        // meta-gradient (which reaches the encoder only through the prototypes and the query embeddings) is ProtoNet's.
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        FewShotModel Fit(FewShotAlgorithm a, FewShotHeadInit head) => new MLExtContext(seed: 8).FewShotClassifier(new FewShotOptions
        {
            Algorithm = a, HeadInit = head, Episodes = 6, HiddenSizes = [32, 16], ValidationInterval = 0, InnerSteps = 1, InnerLearningRate = 0,
        }).Fit(train);
        // The embedding's last bias shifts queries and prototypes alike, so its gradient is zero up to rounding, which
        // Adam's normalisation turns into rounding-driven steps: every other weight is compared.
        static float[] Weights(FewShotModel m) => m.Encoder.Parameters().SkipLast(1).SelectMany(p => p.ToArray<float>()).ToArray();
        using var proto = Fit(FewShotAlgorithm.ProtoNet, FewShotHeadInit.Zero);
        var expected = Weights(proto);
        foreach (var a in new[] { FewShotAlgorithm.Maml, FewShotAlgorithm.FoMaml })
        {
            using var m = Fit(a, FewShotHeadInit.Prototypes);
            var got = Weights(m);
            for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], got[i], 1e-4, $"{a}: weight {i}");
        }
        using var zero = Fit(FewShotAlgorithm.FoMaml, FewShotHeadInit.Zero);
        CollectionAssert.AreNotEqual(expected, Weights(zero), "from a zero head nothing reaches the encoder but the query path");
    }

    [TestMethod]
    public void PrototypeHeadModelsLearnUnseenDigitsAndReloadWithTheirHead()
    {
        var train = FewShotTestData.DigitsWhere(d => d < 5);
        var (support, query) = SupportAndQuery();
        foreach (var algorithm in new[] { FewShotAlgorithm.Maml, FewShotAlgorithm.FoMaml, FewShotAlgorithm.Reptile })
        {
            var o = new FewShotOptions
            {
                Algorithm = algorithm, HeadInit = FewShotHeadInit.Prototypes, Episodes = 40, HiddenSizes = [64], ValidationInterval = 0,
                InnerSteps = 2, InnerLearningRate = 0.05,
            };
            using var model = new MLExtContext(seed: 4).FewShotClassifier(o).Fit(train);
            using var classifier = model.Adapt(support);
            var scores = classifier.Transform(query).GetColumn<FloatVectorColumn>("Score").Values.ToArray();
            Assert.IsGreaterThan(0.6, classifier.Accuracy(query), algorithm.ToString());
            var dir = FewShotTestData.TempFolder();
            try
            {
                model.Save(Path.Combine(dir, "m.zip"));
                using var loaded = ModelFile.Load<FewShotModel>(Path.Combine(dir, "m.zip"));
                Assert.AreEqual(FewShotHeadInit.Prototypes, loaded.Options.HeadInit, algorithm.ToString());
                using var again = loaded.Adapt(support);
                CollectionAssert.AreEqual(scores, again.Transform(query).GetColumn<FloatVectorColumn>("Score").Values.ToArray(), algorithm.ToString());
            }
            finally { Directory.Delete(dir, true); }
        }
    }

    [TestMethod]
    public void TheCliTakesTheHeadInitialisationNamesAnUnknownOneAndWarnsWhereItIsUnused()
    {
        var root = FewShotBatchNormTests.WriteDigitImages(FewShotTestData.TempFolder(), 4);
        try
        {
            string[] Args(string head, string name, string algorithm = "fomaml") =>
                ["fewshot", "train", "--train", Path.Combine(root, "digits"), "--out", Path.Combine(root, name), "--algorithm", algorithm,
                 "--head-init", head, "--image-size", "16", "--conv-channels", "8", "--ways", "3", "--shots", "1", "--queries", "2", "--episodes", "2",
                 "--validate-every", "0", "--inner-steps", "1", "--seed", "1"];
            var (code, _, err) = CliRunner.Run(Args("prototypes", "p.zip"));
            Assert.AreEqual(0, code, err);
            Assert.IsFalse(err.Contains("no effect"), err);
            using (var m = ModelFile.Load<FewShotModel>(Path.Combine(root, "p.zip")))
                Assert.AreEqual(FewShotHeadInit.Prototypes, m.Options.HeadInit);
            // ProtoNet reads neither the head start nor the inner loop: both given options are named, the model is still trained.
            (code, _, err) = CliRunner.Run(Args("prototypes", "pn.zip", "protonet"));
            Assert.AreEqual(0, code, err);
            StringAssert.Contains(err, "--head-init has no effect with --algorithm protonet");
            StringAssert.Contains(err, "--inner-steps has no effect with --algorithm protonet");
            Assert.IsFalse(err.Contains("--inner-lr"), err);
            Assert.IsTrue(File.Exists(Path.Combine(root, "pn.zip")));
            (code, _, err) = CliRunner.Run(Args("centroid", "bad.zip"));
            Assert.AreNotEqual(0, code);
            StringAssert.Contains(err, "--head-init 'centroid'");
            Assert.IsFalse(File.Exists(Path.Combine(root, "bad.zip")));
        }
        finally { Directory.Delete(root, true); }
    }
}
