using MLExtensions.Components.CrossModal;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class CrossModalEncoderTests
{
    private static ShapesData _data = null!;
    private static CrossModalEncoderModel _model = null!;

    internal static CrossModalEncoderOptions SmallOptions() => new()
    {
        ImageSize = 32,
        CnnWidth = 8,
        CnnStages = 2,
        EmbeddingDim = 32,
        TextWidth = 32,
        TextLayers = 1,
        TextHeads = 2,
        VocabularySize = 64,
        MaxTokens = 12,
        Epochs = 60,
        BatchSize = 18,
        LearningRate = 3e-3,
        WeightDecay = 0,
        RandomResizedCrop = false,
        ValidationFraction = 0,
        Seed = 7,
    };

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _data = new ShapesData();
        var ctx = new MLExtContext(seed: 1);
        _model = ctx.CrossModalEncoder(SmallOptions()).Fit(ImageCaptionPairs.Load(_data.TsvPath));
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _model?.Dispose();
        _data?.Dispose();
    }

    [TestMethod]
    public void TheTruePairRanksFirstForMostQueries()
    {
        var metrics = RetrievalMetrics.Evaluate(_model, _data.Paths, _data.Captions);
        Assert.AreEqual(18, metrics.ImageToText.Queries);
        Assert.AreEqual(18, metrics.TextToImage.Candidates);
        Assert.IsTrue(metrics.ImageToText.R1 >= 0.6, $"image→text R@1 {metrics.ImageToText.R1}");
        Assert.IsTrue(metrics.TextToImage.R1 >= 0.6, $"text→image R@1 {metrics.TextToImage.R1}");
        Assert.IsTrue(metrics.TextToImage.R5 >= 0.9, $"text→image R@5 {metrics.TextToImage.R5}");
    }

    [TestMethod]
    public void TransformAddsNormalisedEmbeddingsAndMatchScores()
    {
        var output = _model.Transform(_data.Batch());
        var img = output.GetColumn<FloatVectorColumn>(CrossModalEncoderModel.ImageEmbeddingColumn);
        var txt = output.GetColumn<FloatVectorColumn>(CrossModalEncoderModel.TextEmbeddingColumn);
        var score = output.GetColumn<FloatColumn>(CrossModalEncoderModel.MatchScoreColumn);
        Assert.AreEqual(32, img.Size);
        for (int r = 0; r < output.RowCount; r++)
        {
            double n = 0, dot = 0;
            var a = img.GetRow(r);
            var b = txt.GetRow(r);
            for (int j = 0; j < a.Length; j++) { n += a[j] * a[j]; dot += a[j] * b[j]; }
            Assert.AreEqual(1, n, 1e-4);
            Assert.AreEqual(dot, score[r], 1e-4);
        }
        // Text only: just the text embedding.
        var textOnly = _model.Transform(new DataBatch(new TextColumn("Caption", new[] { "a red circle" })));
        Assert.IsTrue(textOnly.Contains(CrossModalEncoderModel.TextEmbeddingColumn));
        Assert.IsFalse(textOnly.Contains(CrossModalEncoderModel.MatchScoreColumn));
    }

    [TestMethod]
    public void SaveThenLoadGivesIdenticalEmbeddingsAndTokenIds()
    {
        var path = Path.Combine(_data.Folder, "cm.zip");
        _model.Save(path);
        using var loaded = ModelFile.Load<CrossModalEncoderModel>(path);
        CollectionAssert.AreEqual(_model.Tokenizer.Vocabulary.ToArray(), loaded.Tokenizer.Vocabulary.ToArray());
        foreach (var c in _data.Captions) CollectionAssert.AreEqual(_model.Tokenizer.Encode(c), loaded.Tokenizer.Encode(c));
        using var a = _model.EmbedImages(_data.Paths);
        using var b = loaded.EmbedImages(_data.Paths);
        Assert.IsTrue(a.Equal(b), "image embeddings differ after loading");
        using var c1 = _model.EmbedTexts(_data.Captions);
        using var c2 = loaded.EmbedTexts(_data.Captions);
        Assert.IsTrue(c1.Equal(c2), "text embeddings differ after loading");
        Assert.AreEqual(_model.Temperature, loaded.Temperature, 1e-9);
    }

    [TestMethod]
    public void IndexReturnsTheMatchingImageFirst()
    {
        using var index = _model.IndexImages(_data.Paths);
        using var queries = _model.EmbedTexts(_data.Captions);
        var hits = index.Search(queries, 3);
        int first = Enumerable.Range(0, hits.Length).Count(i => hits[i][0].Key == _data.Paths[i]);
        Assert.IsTrue(first >= 11, $"{first} of 18 captions find their image first");
        Assert.IsTrue(hits.All(h => h.Length == 3 && h[0].Score >= h[1].Score && h[1].Score >= h[2].Score));
    }

    [TestMethod]
    public void ZeroShotClassifiesColoursFromPromptsAlone()
    {
        // Labels never seen as whole captions: just the colour word through templates.
        using var classifier = _model.CreateZeroShotClassifier(ShapesData.Colours.Select(c => c.Name).ToArray(), ["a {0} square", "a {0} circle", "a {0} stripe"]);
        var predictions = classifier.Predict(_data.Paths);
        int correct = predictions.Select((p, i) => p.Label == _data.Captions[i].Split(' ')[1]).Count(ok => ok);
        Assert.IsTrue(correct >= 12, $"{correct} of 18 colours right");
        Assert.AreEqual(1, predictions[0].Probabilities.Sum(), 1e-4);
    }

    [TestMethod]
    public void CompoundClassNamesArePromptedWithTheirParts()
    {
        CollectionAssert.AreEqual(new[] { "Animals Nature", "Animals", "Nature" }, ZeroShotClassifier.NameVariants("Animals & Nature").ToArray());
        CollectionAssert.AreEqual(new[] { "face smiling", "face", "smiling" }, ZeroShotClassifier.NameVariants("face-smiling").ToArray());
        CollectionAssert.AreEqual(new[] { "red" }, ZeroShotClassifier.NameVariants("red").ToArray());

        // With parts, "dark-red" is the mean of "dark red", "dark" and "red" prompts: a different class vector, same shape of output.
        using var plain = _model.CreateZeroShotClassifier(["red", "dark-red"], ["a {0} square"]);
        using var parts = _model.CreateZeroShotClassifier(["red", "dark-red"], ["a {0} square"], nameParts: true);
        using var e = _model.EmbedImages(_data.Paths.Take(2).ToArray());
        using var a = plain.Scores(e);
        using var b = parts.Scores(e);
        float[] x = a.ToArray<float>(), y = b.ToArray<float>(); // [2 images, 2 classes]
        Assert.AreEqual(x[0], y[0], 1e-4);
        Assert.AreEqual(x[2], y[2], 1e-4);
        Assert.IsTrue(Math.Abs(x[1] - y[1]) > 1e-4 || Math.Abs(x[3] - y[3]) > 1e-4);
    }

    [TestMethod]
    public void MissingImageFileIsAClearError()
    {
        var batch = new DataBatch(new ImagePathColumn("ImagePath", new[] { _data.Paths[0], Path.Combine(_data.Folder, "nope.png") }));
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => _model.Transform(batch));
        StringAssert.Contains(e.Message, "nope.png");
        StringAssert.Contains(e.Message, "row 1");
    }

    [TestMethod]
    public void NonImageFileIsAClearError()
    {
        var bogus = Path.Combine(_data.Folder, "notes.png");
        File.WriteAllText(bogus, "this is text, not a picture");
        var batch = new DataBatch(new ImagePathColumn("ImagePath", new[] { bogus }));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => _model.Transform(batch));
        StringAssert.Contains(e.Message, "notes.png");
        StringAssert.Contains(e.Message, "not a readable image");
    }

    [TestMethod]
    public void EmptyCaptionIsAClearError()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => _model.Transform(new DataBatch(new TextColumn("Caption", new[] { "a red square", "  " }))));
        StringAssert.Contains(e.Message, "row 1: the caption is empty");
        var pairs = _data.Batch();
        var bad = new DataBatch(pairs["ImagePath"], new TextColumn("Caption", _data.Captions.Select((c, i) => i == 3 ? "" : c).ToArray()));
        var fit = Assert.ThrowsExactly<ArgumentException>(() => new MLExtContext(1).CrossModalEncoder(SmallOptions()).Fit(bad));
        StringAssert.Contains(fit.Message, "row 3");
    }

    [TestMethod]
    public void CaptionLongerThanTheMaximumIsTruncated()
    {
        var words = string.Join(' ', Enumerable.Repeat("a red square", 20));
        var ids = _model.Tokenizer.Encode(words, out bool truncated);
        Assert.IsTrue(truncated);
        Assert.AreEqual(_model.Options.MaxTokens, ids.Length);
        using var e = _model.EmbedTexts([words]);
        CollectionAssert.AreEqual(new long[] { 1, 32 }, e.Shape);
    }

    [TestMethod]
    public void TrainingWithMissingImageFailsBeforeTraining()
    {
        var bad = new DataBatch(new ImagePathColumn("ImagePath", new[] { _data.Paths[0], Path.Combine(_data.Folder, "gone.png") }),
                                new TextColumn("Caption", new[] { "a", "b" }));
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => new MLExtContext(1).CrossModalEncoder(SmallOptions()).Fit(bad));
        StringAssert.Contains(e.Message, "gone.png");
    }

    [TestMethod]
    public void PairsTsvResolvesRelativePathsAgainstItsFolder()
    {
        var batch = ImageCaptionPairs.Load(_data.TsvPath);
        Assert.AreEqual(18, batch.RowCount);
        var first = ((StringColumn)batch["ImagePath"])[0];
        Assert.IsTrue(Path.IsPathRooted(first));
        Assert.IsTrue(File.Exists(first));
        var badHeader = Path.Combine(_data.Folder, "bad.tsv");
        File.WriteAllLines(badHeader, ["path\ttext", "x.png\tcap"]);
        Assert.ThrowsExactly<InvalidDataException>(() => ImageCaptionPairs.Load(badHeader));
    }
}
