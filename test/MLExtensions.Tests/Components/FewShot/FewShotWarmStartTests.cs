using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.FewShot;

/// <summary>
/// Warm start (<see cref="FewShotTrainer.Fit(DataBatch, DataBatch?, FewShotModel?)"/>, CLI <c>--from</c>): training starts
/// from a trained model's encoder, e.g. ProtoNet episodes after a SimpleShot pre-training.
/// </summary>
[TestClass]
public sealed class FewShotWarmStartTests
{
    private static readonly int[] Hidden = [32, 16];

    private static FewShotModel PreTrain(int[] hidden) =>
        new MLExtContext(seed: 3).FewShotClassifier(new FewShotOptions
        {
            Algorithm = FewShotAlgorithm.SimpleShot, Episodes = 30, HiddenSizes = hidden, ValidationInterval = 0,
        }).Fit(FewShotTestData.DigitsWhere(d => d < 5));

    private static double MaxDifference(float[][] a, float[][] b) =>
        a.Zip(b).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));

    [TestMethod]
    public void TrainingStartsFromTheGivenEncoderAndItsInputStandardisation()
    {
        using var initial = PreTrain(Hidden);
        // Other training rows (digits 0-3): had the standardisation been fitted again, the embeddings would move with it.
        var train = FewShotTestData.DigitsWhere(d => d < 4);
        FewShotModel Fit(FewShotModel? from) => new MLExtContext(seed: 4).FewShotClassifier(new FewShotOptions
        {
            Algorithm = FewShotAlgorithm.ProtoNet, Ways = 3, Episodes = 1, LearningRate = 1e-9, HiddenSizes = Hidden, ValidationInterval = 0,
        }).Fit(train, null, from);
        using var warm = Fit(initial);
        using var cold = Fit(null);
        var rows = FewShotTestData.DigitsWhere(d => d >= 5).Slice(0, 50);
        var expected = FewShotTestData.Embed(initial, rows);
        Assert.IsTrue(MaxDifference(expected, FewShotTestData.Embed(warm, rows)) < 1e-4, "the warm start's embeddings are the starting model's (one step at 1e-9)");
        Assert.IsTrue(MaxDifference(expected, FewShotTestData.Embed(cold, rows)) > 0.1, "a cold start's embeddings are not");
        Assert.AreEqual(FewShotAlgorithm.SimpleShot, initial.Options.Algorithm, "the starting model is only read");
    }

    [TestMethod]
    public void AStartingModelWithAnotherEncoderIsRefusedNamingTheSetting()
    {
        using var initial = PreTrain(Hidden);
        var trainer = new MLExtContext(seed: 4).FewShotClassifier(new FewShotOptions
        {
            Ways = 3, Episodes = 1, HiddenSizes = [32], Standardisation = FewShotStandardisation.None, ValidationInterval = 0,
        });
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(FewShotTestData.DigitsWhere(d => d < 4), null, initial));
        StringAssert.Contains(e.Message, "HiddenSizes (--hidden): 32,16 in the starting model, 32 here");
        StringAssert.Contains(e.Message, "Standardisation (--standardise): Global in the starting model, None here");
    }

    [TestMethod]
    public void TheCliStartsFromAModelFileAndNamesAMissingOne()
    {
        var root = FewShotBatchNormTests.WriteDigitImages(FewShotTestData.TempFolder(), 4);
        try
        {
            string[] Args(string name, string channels, params string[] more) =>
                ["fewshot", "train", "--train", Path.Combine(root, "digits"), "--out", Path.Combine(root, name), "--image-size", "16",
                 "--conv-channels", channels, "--ways", "3", "--shots", "1", "--queries", "2", "--episodes", "2", "--validate-every", "0", "--seed", "1", .. more];
            var (code, _, err) = CliRunner.Run(Args("pre.zip", "8", "--algorithm", "simpleshot"));
            Assert.AreEqual(0, code, err);
            (code, _, err) = CliRunner.Run(Args("warm.zip", "8", "--from", Path.Combine(root, "pre.zip")));
            Assert.AreEqual(0, code, err);
            using (var m = ModelFile.Load<FewShotModel>(Path.Combine(root, "warm.zip")))
                Assert.AreEqual(FewShotAlgorithm.ProtoNet, m.Options.Algorithm);
            (code, _, err) = CliRunner.Run(Args("bad.zip", "8", "--from", Path.Combine(root, "absent.zip")));
            Assert.AreNotEqual(0, code);
            StringAssert.Contains(err, "absent.zip");
            (code, _, err) = CliRunner.Run(Args("bad.zip", "4", "--from", Path.Combine(root, "pre.zip")));
            Assert.AreNotEqual(0, code);
            StringAssert.Contains(err, "ConvChannels (--conv-channels): 8 in the starting model, 4 here");
            Assert.IsFalse(File.Exists(Path.Combine(root, "bad.zip")));
        }
        finally { Directory.Delete(root, true); }
    }
}
