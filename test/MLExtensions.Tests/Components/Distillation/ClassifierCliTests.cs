using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using MLExtensions.Cli.Commands.Classifier;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.Distillation;

/// <summary>
/// The classifier verbs end to end on data/digits.csv.gz, run in-process through the CLI's entry point: `classifier
/// train`, `distill`, `evaluate`, `score`, their outputs, their errors on bad input, and that `score` streams.
/// </summary>
[TestClass]
public sealed class ClassifierCliTests
{
    private static string _dir = "";
    private static string _train = "", _test = "", _teacher = "";
    private static string[] _header = [];
    private static List<string> _testRows = [];

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlext-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dir);
        using var gz = new GZipStream(File.OpenRead(RepoData.DigitsPath), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        _header = lines[0].Split(',');
        var body = lines.Skip(1).ToArray();
        _testRows = body.Where((_, i) => i % 4 == 0).ToList();
        _train = Write("train.csv", body.Where((_, i) => i % 4 != 0));
        _test = Write("test.csv", _testRows);
        _teacher = Path.Combine(_dir, "teacher.zip");
        var (code, _, err) = Cli("classifier", "train", "--train", _train, "--out", _teacher, "--hidden", "256",
                                 "--dropout", "0", "--epochs", "20", "--lr", "3e-3", "--seed", "1");
        Assert.AreEqual(0, code, err);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string Write(string name, IEnumerable<string> rows, string? header = null)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, new[] { header ?? string.Join(',', _header) }.Concat(rows));
        return path;
    }

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private static string Temp(string name) => Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + "-" + name);

    [TestMethod]
    public void TrainedTeacherEvaluatesToJsonMetrics()
    {
        var metricsPath = Temp("metrics.json");
        var (code, stdout, err) = Cli("evaluate", "--model", _teacher, "--test", _test, "--metrics-out", metricsPath);
        Assert.AreEqual(0, code, err);
        var json = JsonNode.Parse(File.ReadAllText(metricsPath))!.AsObject();
        Assert.AreEqual(json.ToJsonString(), JsonNode.Parse(stdout)!.ToJsonString());
        double accuracy = json["accuracy"]!.GetValue<double>();
        Assert.IsGreaterThan(0.9, accuracy);
        Assert.IsGreaterThan(0.85, json["macro_f1"]!.GetValue<double>());
        Assert.IsGreaterThan(0.0, json["log_loss"]!.GetValue<double>());
        Assert.IsGreaterThan(0.0, json["rows_per_second"]!.GetValue<double>());
        var matrix = json["confusion_matrix"]!.AsArray();
        Assert.HasCount(10, matrix);
        long total = 0, diagonal = 0;
        for (int i = 0; i < matrix.Count; i++)
        {
            var row = matrix[i]!.AsArray();
            Assert.HasCount(10, row);
            for (int j = 0; j < row.Count; j++)
            {
                long v = row[j]!.GetValue<long>();
                total += v;
                if (i == j) diagonal += v;
            }
        }
        Assert.AreEqual(_testRows.Count, total);
        Assert.AreEqual(accuracy, (double)diagonal / total, 1e-9);
    }

    [TestMethod]
    public void DistilledStudentIsSmallerAndScoresLikeEvaluateSays()
    {
        var student = Temp("student.zip");
        var report = Temp("report.json");
        var (code, stdout, err) = Cli("distill", "--teacher", _teacher, "--train", _train, "--out", student, "--hidden", "16",
                                      "--epochs", "30", "--seed", "1", "--test", _test, "--report-out", report);
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(stdout, "student [16]");
        var r = JsonNode.Parse(File.ReadAllText(report))!.AsObject();
        Assert.AreEqual(_testRows.Count, r["rows"]!.GetValue<long>());
        Assert.IsGreaterThan(0.85, r["student_accuracy"]!.GetValue<double>());
        Assert.IsLessThan(0.1, r["parameter_ratio"]!.GetValue<double>());
        Assert.IsGreaterThan(0.0, r["speedup"]!.GetValue<double>());
        Assert.AreEqual("DistilledStudent", ModelFile.ReadInfo(student).Manifest.Component);

        var scoredPath = Temp("scored.csv");
        (code, stdout, err) = Cli("score", "--model", student, "--in", _test, "--out", scoredPath);
        Assert.AreEqual(0, code, err);
        StringAssert.Contains(stdout, $"scored {_testRows.Count} rows");
        var lines = File.ReadAllLines(scoredPath);
        var header = lines[0].Split(',');
        CollectionAssert.AreEqual(new[] { "label", "PredictedLabel" }.Concat(Enumerable.Range(0, 10).Select(k => $"Score.{k}")).ToArray(), header);
        Assert.HasCount(_testRows.Count + 1, lines);
        int right = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            var p = cells[2..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.AreEqual(1.0, p.Sum(), 1e-4, $"line {i}");
            int best = Array.IndexOf(p, p.Max());
            Assert.AreEqual(best.ToString(CultureInfo.InvariantCulture), cells[1], $"line {i}: PredictedLabel is the arg-max of Score");
            if (cells[1] == cells[0]) right++;
        }
        var metricsPath = Temp("student-metrics.json");
        (code, _, err) = Cli("evaluate", "--model", student, "--test", _test, "--metrics-out", metricsPath);
        Assert.AreEqual(0, code, err);
        var accuracy = JsonNode.Parse(File.ReadAllText(metricsPath))!["accuracy"]!.GetValue<double>();
        Assert.AreEqual(accuracy, (double)right / _testRows.Count, 1e-9);
    }

    [TestMethod]
    public void WrongColumnCountIsNamed()
    {
        // The last feature column (p63) dropped from the header and every row.
        var narrow = Write(Guid.NewGuid().ToString("N")[..8] + "-narrow.csv", _testRows.Select(r => r[..r.LastIndexOf(',')]),
                           string.Join(',', _header[..^1]));
        var (code, _, err) = Cli("evaluate", "--model", _teacher, "--test", narrow);
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "63 values per row");
        StringAssert.Contains(err, "expects 64");
        StringAssert.Contains(err, "missing: p63");
        (code, _, err) = Cli("score", "--model", _teacher, "--in", narrow, "--out", Temp("narrow-out.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "expects 64");
    }

    [TestMethod]
    public void MissingValueIsNamedByRowAndFeature()
    {
        var rows = _testRows.ToList();
        var cells = rows[41].Split(',');
        cells[6] = ""; // feature p5 of data row 41
        rows[41] = string.Join(',', cells);
        var holed = Write(Guid.NewGuid().ToString("N")[..8] + "-nan.csv", rows);
        var output = Temp("nan-out.csv");
        var (code, _, err) = Cli("score", "--model", _teacher, "--in", holed, "--out", output);
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "row 41");
        StringAssert.Contains(err, "'p5'");
        StringAssert.Contains(err, "missing");
        Assert.IsFalse(File.Exists(output), "no output file is left behind on error");
        Assert.IsFalse(File.Exists(output + ".partial"));
        (code, _, err) = Cli("distill", "--teacher", _teacher, "--train", holed, "--out", Temp("s.zip"), "--epochs", "1");
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "row 41");
    }

    [TestMethod]
    public void UnknownLabelAtEvaluationIsNamed()
    {
        var rows = _testRows.ToList();
        rows[12] = "eleven" + rows[12][rows[12].IndexOf(',')..];
        var bad = Write(Guid.NewGuid().ToString("N")[..8] + "-label.csv", rows);
        var (code, _, err) = Cli("evaluate", "--model", _teacher, "--test", bad);
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "row 12");
        StringAssert.Contains(err, "'label'");
        StringAssert.Contains(err, "'eleven'");
    }

    [TestMethod]
    public void MissingFilesAndOptionsAreClearErrors()
    {
        var (code, _, err) = Cli("evaluate", "--model", _teacher, "--test", Path.Combine(_dir, "absent.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "absent.csv");
        (code, _, err) = Cli("distill", "--train", _train, "--out", Temp("s.zip"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "--teacher");
        (code, _, err) = Cli("classifier", "train", "--train", _train, "--out", Temp("t.zip"), "--hidden", "12,x");
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, "--hidden");
    }

    [TestMethod]
    public void ScoreStreamsOneBatchAtATime()
    {
        // 2.5 batches of rows, a missing value in the third batch: the first two batches are scored and handed to
        // the writer before the third is read, and the error numbers the row across batches.
        int perBatch = ClassifierCsv.StreamBatchRows;
        var rows = Enumerable.Range(0, perBatch * 5 / 2).Select(i => _testRows[i % _testRows.Count]).ToList();
        int bad = perBatch * 2 + 17;
        var cells = rows[bad].Split(',');
        cells[1] = "";
        rows[bad] = string.Join(',', cells);
        var path = Write(Guid.NewGuid().ToString("N")[..8] + "-long.csv", rows);

        var ctx = new MLExtContext(0);
        using var model = ModelFile.Load(_teacher, ctx);
        int read = 0;
        var source = ClassifierCsv.Stream(ctx, path, "label", "Features").Select(item => { read++; return item; });
        int written = 0;
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
        {
            foreach (var batch in ScoreCommand.Output(model, source, "label"))
            {
                Assert.AreEqual(written + 1, read, "the next batch is read only after this one is consumed");
                Assert.IsLessThanOrEqualTo(perBatch, batch.RowCount);
                written++;
            }
        });
        Assert.AreEqual(2, written);
        Assert.AreEqual(3, read);
        StringAssert.Contains(e.Message, $"row {bad}");
        StringAssert.Contains(e.Message, "'p0'");

        var (code, _, err) = Cli("score", "--model", _teacher, "--in", path, "--out", Temp("long-out.csv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(err, $"row {bad}");
    }
}
