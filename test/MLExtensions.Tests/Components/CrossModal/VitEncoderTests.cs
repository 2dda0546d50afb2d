using MLExtensions.Components.CrossModal;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class VitEncoderTests
{
    [TestMethod]
    public void VitTrainsWithAccumulationAndCropsAndRoundTrips()
    {
        using var data = new ShapesData(16);
        var options = CrossModalEncoderTests.SmallOptions();
        options.ImageEncoder = ImageEncoderKind.Vit;
        options.ImageSize = 16;
        options.VitPatchSize = 4;
        options.VitWidth = 32;
        options.VitLayers = 1;
        options.VitHeads = 2;
        options.Epochs = 3;
        options.BatchSize = 6;
        options.AccumulationSteps = 2;
        options.RandomResizedCrop = true;
        options.ValidationFraction = 0.2;
        options.EarlyStoppingPatience = 2;
        var ctx = new MLExtContext(3);
        var reports = 0;
        options.Progress = new Progress<MLExtensions.Training.TrainingProgress>(_ => Interlocked.Increment(ref reports));
        var trainer = ctx.CrossModalEncoder(options);
        using var model = trainer.Fit(data.Batch());
        Assert.IsNotNull(trainer.LastResult);
        Assert.IsTrue(model.Metrics.ContainsKey("val_mean_recall"));
        var path = Path.Combine(data.Folder, "vit.zip");
        model.Save(path);
        using var loaded = ModelFile.Load<CrossModalEncoderModel>(path);
        Assert.AreEqual(ImageEncoderKind.Vit, loaded.Options.ImageEncoder);
        using var a = model.EmbedImages(data.Paths);
        using var b = loaded.EmbedImages(data.Paths);
        Assert.IsTrue(a.Equal(b));
    }
}
