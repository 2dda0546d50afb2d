using MLExtensions.Tests.Support;
using MLExtensions.Data;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class ImageFolderTests
{
    [TestMethod]
    public void Lists_images_by_class_folder_in_sorted_order()
    {
        using var tmp = TestData.NewFolder();
        foreach (var d in new[] { "dog", "cat", "cat/kittens", "bird" }) Directory.CreateDirectory(tmp.File(d));
        TestPng.Write(tmp.File("dog/b.png"), 4, 4, 1, (_, _, _) => 10);
        TestPng.Write(tmp.File("dog/a.PNG"), 4, 4, 1, (_, _, _) => 20);
        TestPng.Write(tmp.File("cat/2.png"), 3, 2, 1, (_, _, _) => 30);
        TestPng.Write(tmp.File("cat/kittens/1.png"), 2, 2, 1, (_, _, _) => 40);
        File.WriteAllText(tmp.File("cat/notes.txt"), "not an image");
        File.WriteAllText(tmp.File("bird/readme.md"), "no images here");
        TestPng.Write(tmp.File("loose.png"), 2, 2, 1, (_, _, _) => 50);

        var ctx = new MLExtContext();
        var warnings = new List<string>();
        ctx.Log += (_, e) => warnings.Add(e.Message);
        var data = ctx.Data.LoadFromImageFolder(tmp.Path);

        Assert.AreEqual("ImagePath: ImagePath, Label: Key[2]", data.Schema.ToString());
        var paths = data.GetColumn<ImagePathColumn>("ImagePath").Values.ToArray().Select(p => Path.GetRelativePath(tmp.Path, p)).ToArray();
        CollectionAssert.AreEqual(new[] { "cat/2.png", "cat/kittens/1.png", "dog/a.PNG", "dog/b.png" }, paths);
        var labels = data.GetColumn<KeyColumn>("Label");
        CollectionAssert.AreEqual(new long[] { 0, 0, 1, 1 }, labels.Values.ToArray());
        CollectionAssert.AreEqual(new[] { "cat", "dog" }, labels.KeyNames!.ToArray());
        Assert.AreEqual(2, warnings.Count);
        Assert.IsTrue(warnings.Any(w => w.Contains("bird")));
        Assert.IsTrue(warnings.Any(w => w.StartsWith("1 image(s) directly in")));
        Assert.IsTrue(File.ReadAllBytes(tmp.File("cat/2.png")).AsSpan(1, 3).SequenceEqual("PNG"u8));
    }

    [TestMethod]
    public void Missing_or_empty_folders_are_errors()
    {
        using var tmp = TestData.NewFolder();
        var ctx = new MLExtContext();
        var missing = tmp.File("nope");
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => ctx.Data.LoadFromImageFolder(missing));
        StringAssert.Contains(e.Message, missing);

        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => ctx.Data.LoadFromImageFolder(tmp.Path));
        StringAssert.Contains(e2.Message, "has no class sub-folders");

        Directory.CreateDirectory(tmp.File("cat"));
        var e3 = Assert.ThrowsExactly<InvalidDataException>(() => ctx.Data.LoadFromImageFolder(tmp.Path));
        StringAssert.StartsWith(e3.Message, "no images (.bmp, .jpeg, .jpg, .png) found");
    }
}
