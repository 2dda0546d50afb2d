using MLExtensions.Components.CrossModal;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class BagOfWordsBaselineTests
{
    [TestMethod]
    public void BagOfWordsTextEncoderLearnsTheShapesAndRoundTrips()
    {
        using var data = new ShapesData();
        var options = CrossModalEncoderTests.SmallOptions();
        options.TextEncoder = TextEncoderKind.BagOfWords;
        options.Epochs = 40;
        using var model = new MLExtContext(5).CrossModalEncoder(options).Fit(data.Batch());
        var metrics = RetrievalMetrics.Evaluate(model, data.Paths, data.Captions);
        Assert.IsTrue(metrics.TextToImage.R5 >= 0.7, $"text→image R@5 {metrics.TextToImage.R5}");
        var path = Path.Combine(data.Folder, "bow.zip");
        model.Save(path);
        using var loaded = ModelFile.Load<CrossModalEncoderModel>(path);
        Assert.AreEqual(TextEncoderKind.BagOfWords, loaded.Options.TextEncoder);
        using var a = model.EmbedTexts(data.Captions);
        using var b = loaded.EmbedTexts(data.Captions);
        Assert.IsTrue(a.Equal(b));
    }
}
