using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.FewShot;

[TestClass]
public sealed class FewShotImageTests
{
    [TestMethod]
    public void ImagesAreResizedScaledAndInverted()
    {
        var dir = FewShotTestData.TempFolder();
        try
        {
            var path = Path.Combine(dir, "half.png");
            // Left half white, right half black.
            TestPng.Write(path, 32, 32, 1, (x, _, _) => x < 16 ? (byte)255 : (byte)0);
            using var plain = FewShotInput.LoadImages(new FewShotOptions { ImageSize = 16 }, [path]);
            CollectionAssert.AreEqual(new long[] { 1, 1, 16, 16 }, plain.Shape);
            var v = plain.ToArray<float>();
            Assert.AreEqual(1f, v[0], 1e-6);
            Assert.AreEqual(0f, v[15], 1e-6);
            using var inverted = FewShotInput.LoadImages(new FewShotOptions { ImageSize = 16, Invert = true }, [path]);
            var w = inverted.ToArray<float>();
            Assert.AreEqual(0f, w[0], 1e-6);
            Assert.AreEqual(1f, w[15], 1e-6);
            using var rgb = FewShotInput.LoadImages(new FewShotOptions { ImageSize = 16, Grayscale = false }, [path]);
            CollectionAssert.AreEqual(new long[] { 1, 3, 16, 16 }, rgb.Shape);
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void AutoInvertGivesEveryImageADarkBackground()
    {
        var dir = FewShotTestData.TempFolder();
        try
        {
            // The same bar, dark on light and light on dark.
            var dark = Path.Combine(dir, "dark-on-light.png");
            var light = Path.Combine(dir, "light-on-dark.png");
            TestPng.Write(dark, 16, 16, 1, (x, _, _) => x is >= 6 and < 10 ? (byte)0 : (byte)255);
            TestPng.Write(light, 16, 16, 1, (x, _, _) => x is >= 6 and < 10 ? (byte)255 : (byte)0);
            using var auto = FewShotInput.LoadImages(new FewShotOptions { ImageSize = 16, AutoInvert = true }, [dark, light]);
            var v = auto.ToArray<float>();
            CollectionAssert.AreEqual(v[..256], v[256..], "both polarities give the same input");
            Assert.AreEqual(0f, v[0], 1e-6);
            Assert.AreEqual(1f, v[7], 1e-6);
            using var both = FewShotInput.LoadImages(new FewShotOptions { ImageSize = 16, AutoInvert = true, Invert = true }, [light]);
            Assert.AreEqual(1f, both.ToArray<float>()[0], 1e-6, "Invert applies after AutoInvert");
        }
        finally { Directory.Delete(dir, true); }
    }

    // Four classes of tiny written images (a bar at a class-specific place, with noise) in nested class folders.
    private static string WriteClasses(string root)
    {
        var random = new Random(1);
        for (int c = 0; c < 4; c++)
        {
            var folder = Path.Combine(root, c < 2 ? "GroupA" : "GroupB", $"character{c}");
            Directory.CreateDirectory(folder);
            for (int i = 0; i < 6; i++)
                TestPng.Write(Path.Combine(folder, $"{i}.png"), 16, 16, 1, (x, y, _) =>
                {
                    bool on = c switch { 0 => x < 5, 1 => x > 10, 2 => y < 5, _ => y > 10 };
                    return (byte)Math.Clamp((on ? 30 : 230) + random.Next(-20, 20), 0, 255);
                });
        }
        return root;
    }

    [TestMethod]
    public void Conv4ProtoNetLearnsWrittenImagesAndTheZipKeepsThePreprocessing()
    {
        var root = WriteClasses(FewShotTestData.TempFolder());
        try
        {
            var data = FewShotImageFolder.Load(root);
            var o = new FewShotOptions { ImageSize = 16, Invert = true, Ways = 2, Shots = 1, Queries = 3, Episodes = 30, ConvChannels = 8, ValidationInterval = 0, Rotations = true, AffineJitter = true };
            using var model = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(data);
            Assert.AreEqual(16, model.Options.ImageSize);
            using var classifier = model.Adapt(data);
            Assert.IsGreaterThan(0.9, classifier.Accuracy(data));
            var zip = Path.Combine(root, "c.zip");
            classifier.Save(zip);
            using var loaded = ModelFile.Load<FewShotClassifier>(zip);
            Assert.IsTrue(loaded.Options.Invert);
            CollectionAssert.AreEqual(classifier.Transform(data).GetColumn<FloatVectorColumn>("Score").Values.ToArray(),
                loaded.Transform(data).GetColumn<FloatVectorColumn>("Score").Values.ToArray());
            var eval = model.Evaluate(data, 2, 1, 2, 20, withinGroup: true);
            Assert.IsTrue(eval.WithinGroup);
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void MissingAndCorruptImagesAreNamed()
    {
        var root = WriteClasses(FewShotTestData.TempFolder());
        try
        {
            var data = FewShotImageFolder.Load(root);
            var corrupt = Path.Combine(root, "GroupA", "character0", "0.png");
            File.WriteAllText(corrupt, "not a png");
            var o = new FewShotOptions { ImageSize = 16, Ways = 2, Episodes = 2, ConvChannels = 4, ValidationInterval = 0, Queries = 2 };
            var e = Assert.ThrowsExactly<InvalidDataException>(() => new MLExtContext(seed: 1).FewShotClassifier(o).Fit(data));
            StringAssert.Contains(e.Message, corrupt);
            File.Delete(corrupt);
            var missing = Assert.ThrowsExactly<InvalidDataException>(() => new MLExtContext(seed: 1).FewShotClassifier(o).Fit(data));
            StringAssert.Contains(missing.Message, corrupt);
        }
        finally { Directory.Delete(root, true); }
    }
}
