using MLExtensions.Tests.Support;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class ImageDecodeTests
{
    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "mlext-img-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    [TestMethod]
    public void PngDecodeGivesTheWrittenPixels()
    {
        var dir = TempDir();
        try
        {
            var path = Path.Combine(dir, "rgb.png");
            TestPng.Write(path, 5, 4, 3, (x, y, c) => (byte)(x * 40 + y * 10 + c));
            using var rgb = Images.Decode(path, channels: 3);
            CollectionAssert.AreEqual(new long[] { 4, 5, 3 }, rgb.Shape);
            Assert.AreEqual(ScalarType.UInt8, rgb.DType);
            var px = rgb.ToArray<byte>();
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 5; x++)
                    for (int c = 0; c < 3; c++)
                        Assert.AreEqual((byte)(x * 40 + y * 10 + c), px[(y * 5 + x) * 3 + c], $"pixel ({x},{y}) channel {c}");

            var grayPath = Path.Combine(dir, "gray.png");
            TestPng.Write(grayPath, 4, 4, 1, (x, y, _) => (byte)(x < 2 ? 0 : 200));
            using var small = Images.Decode(grayPath, channels: 1, height: 2, width: 2);
            CollectionAssert.AreEqual(new byte[] { 0, 200, 0, 200 }, small.ToArray<byte>());
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void MissingOrInvalidImageNamesTheFile()
    {
        var dir = TempDir();
        try
        {
            var missing = Path.Combine(dir, "nope.png");
            var e = Assert.ThrowsExactly<TorchException>(() => Images.Decode(missing));
            StringAssert.Contains(e.Message, missing);
            var text = Path.Combine(dir, "notes.png");
            File.WriteAllText(text, "not an image");
            e = Assert.ThrowsExactly<TorchException>(() => Images.Decode(text));
            StringAssert.Contains(e.Message, "notes.png");
        }
        finally { Directory.Delete(dir, true); }
    }
}
