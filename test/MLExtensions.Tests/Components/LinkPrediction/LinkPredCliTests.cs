using System.Text.Json.Nodes;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>`linkpred train` / `evaluate` in-process on the family graph: the entity-bias default and its refusals.</summary>
[TestClass]
[DoNotParallelize]
public sealed class LinkPredCliTests
{
    private static string _dir = "", _train = "", _test = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = Path.Combine(Path.GetTempPath(), "mlext-linkpred-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dir);
        var (train, test) = FamilyGraph.Split(6, 0.1, seed: 5);
        _train = Write("train.tsv", train.Triples);
        _test = Write("test.tsv", test.Triples);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static string Write(string name, IEnumerable<LabeledTriple> triples)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, triples.Select(t => $"{t.Head}\t{t.Relation}\t{t.Tail}"));
        return path;
    }

    private static (int Code, string Out, string Err) Train(string name, params string[] extra) =>
        CliRunner.Run(["linkpred", "train", "--train", _train, "--out", Path.Combine(_dir, name), "--model", "distmult", "--dim", "8",
                       "--epochs", "2", "--seed", "1", .. extra]);

    [TestMethod]
    public void One_to_n_training_gets_the_entity_bias_unless_turned_off_and_the_model_evaluates()
    {
        var (code, _, err) = Train("default.zip");
        Assert.AreEqual(0, code, err);
        (code, _, err) = Train("off.zip", "--entity-bias", "false");
        Assert.AreEqual(0, code, err);
        using (var on = ModelFile.Load<LinkPredictionModel>(Path.Combine(_dir, "default.zip")))
            Assert.IsNotNull(on.Network.EntityBias);
        using (var off = ModelFile.Load<LinkPredictionModel>(Path.Combine(_dir, "off.zip")))
            Assert.IsNull(off.Network.EntityBias);

        var metrics = Path.Combine(_dir, "m.json");
        (code, _, err) = CliRunner.Run("linkpred", "evaluate", "--model", Path.Combine(_dir, "default.zip"), "--test", _test,
                                       "--filter", _train, "--metrics-out", metrics);
        Assert.AreEqual(0, code, err);
        var mrr = JsonNode.Parse(File.ReadAllText(metrics))!["mrr"]!.GetValue<double>();
        Assert.IsTrue(mrr is > 0 and <= 1, $"mrr {mrr}");
    }

    [TestMethod]
    public void The_entity_bias_is_refused_where_it_does_not_apply()
    {
        var (code, _, err) = Train("ns.zip", "--loss", "ns", "--entity-bias", "true");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(err, "EntityBias");
        Assert.IsFalse(File.Exists(Path.Combine(_dir, "ns.zip")), "no model is written");

        (code, _, err) = CliRunner.Run("linkpred", "train", "--model", "graphsage", "--edges", _train, "--out", Path.Combine(_dir, "g.zip"),
                                       "--entity-bias", "true");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(err, "--entity-bias");
    }
}
