using MLExtensions.Tests.Support;
using System.Text.Json.Nodes;
using MLExtensions.Cli.Commands.Classifier;
using MLExtensions.Components.CrossModal;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.CrossModal;

/// <summary>
/// Zero-shot classes with several descriptions: each aggregation against its hand-computed value from the model's own
/// text embeddings, the metrics against hand counts, the descriptions file and the CLI's errors. The arithmetic does not
/// depend on how well the model is trained, so a short training on the shapes is enough.
/// </summary>
[TestClass]
public sealed class ZeroShotTests
{
    private static ShapesData _data = null!;
    private static CrossModalEncoderModel _model = null!;
    private static string _modelPath = "";

    private static readonly string[] Templates = ["a {0} square", "a {0} circle"];

    private static readonly ZeroShotClass[] Classes =
    [
        new("warm", ["red", "yellow", "magenta"]),
        new("cold", ["blue", "cyan"]),
        new("green", ["green"]),
    ];

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _data = new ShapesData();
        var options = CrossModalEncoderTests.SmallOptions();
        options.Epochs = 3;
        _model = new MLExtContext(seed: 1).CrossModalEncoder(options).Fit(ImageCaptionPairs.Load(_data.TsvPath));
        _modelPath = Path.Combine(_data.Folder, "cm.zip");
        _model.Save(_modelPath);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _model?.Dispose();
        _data?.Dispose();
    }

    // A description's vector by hand: the normalised mean of its templates' (normalised) text embeddings.
    private static double[] DescriptionVector(string description)
    {
        using var e = _model.EmbedTexts(Templates.Select(t => t.Replace("{0}", description)).ToArray());
        var x = e.ToArray<float>();
        int dim = _model.EmbeddingDim;
        var mean = new double[dim];
        for (int i = 0; i < Templates.Length; i++)
            for (int d = 0; d < dim; d++) mean[d] += x[i * dim + d] / Templates.Length;
        return Normalised(mean);
    }

    private static double[] Normalised(double[] v)
    {
        double n = Math.Sqrt(v.Sum(a => a * a));
        return v.Select(a => a / n).ToArray();
    }

    private static double Dot(float[] image, int row, double[] v) => v.Select((a, d) => a * image[row * v.Length + d]).Sum();

    private static (float[] Images, int Count, float[] Scores) Score(ZeroShotClassifier classifier)
    {
        using var e = _model.EmbedImages(_data.Paths);
        using var s = classifier.Scores(e);
        return (e.ToArray<float>(), (int)e.Size(0), s.ToArray<float>());
    }

    [TestMethod]
    public void MeanAggregationIsTheNormalisedMeanOfTheDescriptionVectors()
    {
        using var classifier = _model.CreateZeroShotClassifier(Classes, Templates, aggregation: ZeroShotAggregation.Mean);
        var (images, n, scores) = Score(classifier);
        var classVectors = Classes.Select(k =>
        {
            var vs = k.Descriptions.Select(DescriptionVector).ToArray();
            return Normalised(Enumerable.Range(0, vs[0].Length).Select(d => vs.Average(v => v[d])).ToArray());
        }).ToArray();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < Classes.Length; c++)
                Assert.AreEqual(Dot(images, i, classVectors[c]), scores[i * Classes.Length + c], 1e-5, $"image {i}, class {c}");
        CollectionAssert.AreEqual(new[] { 3, 2, 1 }, classifier.DescriptionCounts.ToArray());
        Assert.AreEqual(6 * Templates.Length, classifier.Texts.Count);
    }

    [TestMethod]
    public void MaxAndSumAggregateTheCosinesWithEachDescription()
    {
        using var max = _model.CreateZeroShotClassifier(Classes, Templates, aggregation: ZeroShotAggregation.Max);
        using var sum = _model.CreateZeroShotClassifier(Classes, Templates, aggregation: ZeroShotAggregation.Sum);
        var (images, n, maxScores) = Score(max);
        var (_, _, sumScores) = Score(sum);
        double scale = 1.0 / _model.Temperature;
        var vectors = Classes.Select(k => k.Descriptions.Select(DescriptionVector).ToArray()).ToArray();
        using var e = _model.EmbedImages(_data.Paths);
        var probabilities = sum.Predict(e);
        for (int i = 0; i < n; i++)
        {
            var cos = vectors.Select(vs => vs.Select(v => Dot(images, i, v)).ToArray()).ToArray();
            double total = cos.SelectMany(x => x).Sum(x => Math.Exp(scale * x));
            for (int c = 0; c < Classes.Length; c++)
            {
                Assert.AreEqual(cos[c].Max(), maxScores[i * Classes.Length + c], 1e-5, $"max: image {i}, class {c}");
                Assert.AreEqual(Math.Log(cos[c].Sum(x => Math.Exp(scale * x))) / scale, sumScores[i * Classes.Length + c], 1e-4, $"sum: image {i}, class {c}");
                // Sum: the class probability is the sum of its descriptions' probabilities under one softmax over all descriptions.
                Assert.AreEqual(cos[c].Sum(x => Math.Exp(scale * x)) / total, probabilities[i].Probabilities[c], 1e-4, $"probability: image {i}, class {c}");
            }
        }
    }

    [TestMethod]
    public void OneDescriptionPerClassGivesTheClassicClassifierWhateverTheAggregation()
    {
        string[] names = ["red", "blue", "green"];
        using var classic = _model.CreateZeroShotClassifier(names, Templates);
        var (_, _, expected) = Score(classic);
        foreach (var aggregation in Enum.GetValues<ZeroShotAggregation>())
        {
            using var c = _model.CreateZeroShotClassifier(names.Select(ZeroShotClass.FromName).ToArray(), Templates, aggregation: aggregation);
            var (_, _, actual) = Score(c);
            for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5, $"{aggregation}, entry {i}");
        }
    }

    [TestMethod]
    public void BadClassesAreClearErrors()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => _model.CreateZeroShotClassifier([new ZeroShotClass("red", ["red"]), new ZeroShotClass("cold", [])], Templates));
        StringAssert.Contains(e.Message, "'cold' has no description");
        e = Assert.ThrowsExactly<ArgumentException>(() => _model.CreateZeroShotClassifier([new ZeroShotClass("red", ["red", " "])], Templates));
        StringAssert.Contains(e.Message, "'red': description 1 is empty");
        e = Assert.ThrowsExactly<ArgumentException>(() => _model.CreateZeroShotClassifier([ZeroShotClass.FromName("red"), ZeroShotClass.FromName("red")], Templates));
        StringAssert.Contains(e.Message, "'red' is given twice");
        e = Assert.ThrowsExactly<ArgumentException>(() => _model.CreateZeroShotClassifier(["red"], ["a red square"]));
        StringAssert.Contains(e.Message, "has no '{0}'");
    }

    [TestMethod]
    public void DescriptionsFileGroupsRowsByLabel()
    {
        var path = Path.Combine(_data.Folder, "descriptions.tsv");
        File.WriteAllLines(path, ["label\tdescription", "warm\tred", "cold\tblue", "warm\tyellow", "", "warm\tred", "cold\tcyan"]);
        var classes = ZeroShotClass.LoadDescriptions(path);
        CollectionAssert.AreEqual(new[] { "warm", "cold" }, classes.Select(c => c.Label).ToArray());
        CollectionAssert.AreEqual(new[] { "red", "yellow" }, classes[0].Descriptions.ToArray());
        CollectionAssert.AreEqual(new[] { "blue", "cyan" }, classes[1].Descriptions.ToArray());

        File.WriteAllLines(path, ["label\tdescription", "warm\tred", "cold\t "]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ZeroShotClass.LoadDescriptions(path));
        StringAssert.Contains(e.Message, "line 3");
        File.WriteAllLines(path, ["label\tcaption", "warm\tred"]);
        e = Assert.ThrowsExactly<InvalidDataException>(() => ZeroShotClass.LoadDescriptions(path));
        StringAssert.Contains(e.Message, "label<TAB>description");
        Assert.ThrowsExactly<FileNotFoundException>(() => ZeroShotClass.LoadDescriptions(Path.Combine(_data.Folder, "none.tsv")));
    }

    [TestMethod]
    public void BalancedAccuracyIsTheMeanRecallOverClassesWithImages()
    {
        // a: 2 of 3 right, b: 1 of 1 right, c: no images (predicted once).
        var m = ZeroShotMetrics.Evaluate(["a", "b", "c"], ["a", "a", "a", "b"], ["a", "c", "a", "b"]);
        Assert.AreEqual(0.75, m.Accuracy, 1e-12);
        Assert.AreEqual((2.0 / 3 + 1) / 2, m.BalancedAccuracy, 1e-12);
        Assert.AreEqual(1.0 / 3, m.ChanceAccuracy, 1e-12);
        Assert.AreEqual(0.75, m.MajorityAccuracy, 1e-12);
        Assert.AreEqual(0.5, m.MajorityBalancedAccuracy, 1e-12);
        CollectionAssert.AreEqual(new[] { 2, 1, 1 }, m.PerClass.Select(c => c.Predicted).ToArray());
        Assert.AreEqual(2, m.ClassesWithImages);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ZeroShotMetrics.Evaluate(["a", "b"], ["a", "x"], ["a", "b"]));
        StringAssert.Contains(e.Message, "row 1");
        StringAssert.Contains(e.Message, "'x'");
    }

    [TestMethod]
    public void CliClassifiesWithDescriptionsAndNamesALabelWithoutOne()
    {
        var labelled = Path.Combine(_data.Folder, "zs.tsv");
        File.WriteAllLines(labelled, _data.Paths.Select((p, i) => $"{p}\t{(_data.Captions[i].Contains("green") ? "green" : _data.Captions[i].Contains("blue") || _data.Captions[i].Contains("cyan") ? "cold" : "warm")}").Prepend("image_path\tlabel"));
        var descriptions = Path.Combine(_data.Folder, "zs-descriptions.tsv");
        File.WriteAllLines(descriptions, ["label\tdescription", "warm\tred", "warm\tyellow", "warm\tmagenta", "cold\tblue", "cold\tcyan", "green\tgreen"]);
        var metrics = Path.Combine(_data.Folder, "zs.json");
        var (code, _, err) = Cli("crossmodal", "zeroshot", "--model", _modelPath, "--in", labelled, "--descriptions", descriptions,
            "--aggregate", "sum", "--template", "a {0} square", "--metrics-out", metrics);
        Assert.AreEqual(0, code, err);
        var json = JsonNode.Parse(File.ReadAllText(metrics))!.AsObject();
        Assert.AreEqual(18, (int)json["images"]!);
        Assert.AreEqual(3, (int)json["classes"]!);
        Assert.AreEqual("sum", (string)json["aggregate"]!);
        Assert.AreEqual(2.0, (double)json["descriptions_per_class"]!, 1e-9);
        Assert.AreEqual(9.0 / 18, (double)json["majority_accuracy"]!, 1e-4);
        Assert.AreEqual(1.0 / 3, (double)json["majority_balanced_accuracy"]!, 1e-4);
        var perClass = json["per_class"]!.AsArray();
        Assert.AreEqual(18, perClass.Sum(c => (int)c!["predicted"]!));
        double balanced = perClass.Average(c => (double)c!["recall"]!);
        Assert.AreEqual(balanced, (double)json["balanced_accuracy"]!, 1e-3);

        File.WriteAllLines(descriptions, ["label\tdescription", "warm\tred", "cold\tblue"]);
        (code, _, err) = Cli("crossmodal", "zeroshot", "--model", _modelPath, "--in", labelled, "--descriptions", descriptions);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(err, "'green' has no description");
        StringAssert.Contains(err, "zs-descriptions.tsv");
    }

    [TestMethod]
    public void HoldOutCommandWritesTheTrainersValidationPairs()
    {
        var output = Path.Combine(_data.Folder, "held.tsv");
        var (code, _, err) = Cli("crossmodal", "holdout", "--pairs", _data.TsvPath, "--out", output, "--valid-fraction", "0.3", "--valid-group", @"^a \w+", "--seed", "7");
        Assert.AreEqual(0, code, err);
        var options = new CrossModalEncoderOptions { ValidationFraction = 0.3, ValidationGroupPattern = @"^a \w+", Seed = 7 };
        var expected = CrossModalEncoderTrainer.HeldOutRows(_data.Captions, options).Select(r => $"{_data.Paths[r]}\t{_data.Captions[r]}").ToArray();
        var lines = File.ReadAllLines(output);
        Assert.AreEqual("image_path\tcaption", lines[0]);
        CollectionAssert.AreEqual(expected, lines.Skip(1).ToArray());
        Assert.IsTrue(expected.Length >= 6, $"{expected.Length} pairs held out");
    }

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);
}
