using MLExtensions.Components.LinkPrediction;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

[TestClass]
public sealed class GraphLinkPredictionTests
{
    private static int _threads;

    [ClassInitialize]
    public static void OneThread(TestContext _)
    {
        _threads = torch.NumThreads;
        torch.NumThreads = 1;
    }

    [ClassCleanup]
    public static void RestoreThreads() => torch.NumThreads = _threads;

    private static GraphLinkPredictionModel Train(GraphEncoderKind encoder, bool features = true, GraphLinkDecoder decoder = GraphLinkDecoder.Dot, int epochs = 12)
    {
        var g = DigitsGraph.Load();
        var options = new GraphLinkPredictionOptions { Encoder = encoder, Decoder = decoder, Dim = 32, Epochs = epochs, EarlyStoppingPatience = 0 };
        return new GraphLinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(g.Train, features ? g.TrainFeatures : null);
    }

    [TestMethod]
    [DataRow(GraphEncoderKind.GraphSage)]
    [DataRow(GraphEncoderKind.Gcn)]
    public void Learns_held_out_links_of_the_digits_graph_and_scores_unseen_nodes_from_their_features(GraphEncoderKind encoder)
    {
        var g = DigitsGraph.Load();
        using var model = Train(encoder);
        // Chance: a random order of ~1,400 candidates gives MRR ≈ ln(1400)/1400 ≈ 0.005.
        var transductive = model.Evaluate(g.TransductiveTest);
        Console.WriteLine($"{encoder}: transductive MRR {transductive.Mrr:F3}, H@10 {transductive.Both.HitsAt10:F3} ({transductive.Both.Count} ranks)");
        Assert.IsTrue(transductive.Mrr > 0.1, $"transductive MRR {transductive.Mrr:F3}");

        Assert.ThrowsExactly<ArgumentException>(() => model.Score("d0", "d1"));
        using var extended = model.WithNodes(g.UnseenFeatures, g.UnseenRevealed);
        var inductive = extended.Evaluate(g.UnseenTest, [g.Train, g.TransductiveTest], skipUnknown: false);
        Console.WriteLine($"{encoder}: unseen nodes with revealed edges: MRR {inductive.Mrr:F3}, H@10 {inductive.Both.HitsAt10:F3} ({inductive.Both.Count} ranks)");
        Assert.IsTrue(inductive.Mrr > 0.1, $"inductive MRR {inductive.Mrr:F3}");

        using var featuresOnly = model.WithNodes(g.UnseenFeatures);
        var cold = featuresOnly.Evaluate(g.UnseenTest, [g.Train, g.TransductiveTest], skipUnknown: false);
        Console.WriteLine($"{encoder}: unseen nodes from features alone: MRR {cold.Mrr:F3}, H@10 {cold.Both.HitsAt10:F3}");
        // Weaker than with edges (GraphSAGE leans on the neighbour mean an isolated node lacks), still well above chance.
        Assert.IsTrue(cold.Mrr > 0.04, $"features-only MRR {cold.Mrr:F3}");
    }

    [TestMethod]
    public void Without_features_it_learns_transductively_and_refuses_new_nodes()
    {
        var g = DigitsGraph.Load();
        using var model = Train(GraphEncoderKind.GraphSage, features: false, decoder: GraphLinkDecoder.DistMult, epochs: 20);
        var m = model.Evaluate(g.TransductiveTest);
        Console.WriteLine($"GraphSAGE without features: transductive MRR {m.Mrr:F3}");
        Assert.IsTrue(m.Mrr > 0.05, $"MRR {m.Mrr:F3}");
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.WithNodes(g.UnseenFeatures));
        StringAssert.Contains(e.Message, "trained without node features");
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => model.WithNodes(null, EdgeList.From([("d1", "new-node")], "extra.tsv")));
        StringAssert.Contains(e2.Message, "extra.tsv row 1");
        StringAssert.Contains(e2.Message, "'new-node'");
    }

    [TestMethod]
    public void Save_then_load_gives_identical_scores_including_unseen_nodes()
    {
        var g = DigitsGraph.Load();
        using var model = Train(GraphEncoderKind.GraphSage, epochs: 3);
        (string Source, string Target)[] pairs = [.. g.TransductiveTest.Edges.Take(50), ("d1", "d2"), ("d3", "d3")];
        var unseenPairs = g.UnseenTest.Edges.Take(50).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"graph-link-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(path);
            using var loaded = ModelFile.Load<GraphLinkPredictionModel>(path);
            CollectionAssert.AreEqual(model.ScoreEdges(pairs), loaded.ScoreEdges(pairs));
            Assert.AreEqual(64, loaded.Graph.FeatureColumns!.Count);
            using var a = model.WithNodes(g.UnseenFeatures, g.UnseenRevealed);
            using var b = loaded.WithNodes(g.UnseenFeatures, g.UnseenRevealed);
            CollectionAssert.AreEqual(a.ScoreEdges(unseenPairs), b.ScoreEdges(unseenPairs));

            var batch = new DataBatch(new TextColumn("Source", pairs.Select(p => p.Source).ToArray()),
                                      new TextColumn("Target", pairs.Select(p => p.Target).ToArray()));
            var scored = loaded.Transform(batch);
            var score = scored.GetColumn<FloatColumn>("Score").Values.ToArray();
            var probability = scored.GetColumn<FloatColumn>("Probability").Values.ToArray();
            CollectionAssert.AreEqual(model.ScoreEdges(pairs), score);
            Assert.AreEqual(1 / (1 + Math.Exp(-score[0])), probability[0], 1e-6);

            var top = loaded.PredictTargets(["d1"], 5);
            Assert.AreEqual(5, top[0].Length);
            Assert.IsFalse(top[0].Any(r => r.Entity == "d1"), "a node is not its own partner");
            var neighbours = g.Train.Edges.Where(e => e.Source == "d1" || e.Target == "d1").Select(e => e.Source == "d1" ? e.Target : e.Source).ToHashSet();
            Assert.IsFalse(top[0].Any(r => neighbours.Contains(r.Entity)), "known neighbours are left out");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Bad_input_gives_errors_naming_file_line_column_or_node()
    {
        var e = Assert.ThrowsExactly<DataLoadException>(() => EdgeList.ReadTsv(new StringReader("a\tb\nc\td\te\n"), "g.tsv"));
        StringAssert.Contains(e.Message, "g.tsv line 2");
        StringAssert.Contains(e.Message, "found 3");
        var dup = EdgeList.ReadTsv(new StringReader("a\tb\nb\ta\na\tb\nb\tc\n"), "g.tsv");
        Assert.AreEqual(2, dup.Count);
        Assert.AreEqual(2, dup.DuplicatesDropped);

        var dir = Path.Combine(Path.GetTempPath(), $"graph-input-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var csv = Path.Combine(dir, "nodes.csv");
            File.WriteAllText(csv, "id,x,y\na,1,2\nb,3,oops\n");
            var bad = Assert.ThrowsExactly<DataLoadException>(() => NodeFeatures.Read(csv));
            StringAssert.Contains(bad.Message, "nodes.csv line 3");
            StringAssert.Contains(bad.Message, "'y'");
            File.WriteAllText(csv, "id,x,y\na,1,2\na,3,4\n");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => NodeFeatures.Read(csv)).Message, "node 'a' repeats");
            File.WriteAllText(csv, "x,id,y\n1,a,2\n3,b,4\n");
            var ok = NodeFeatures.Read(csv, idColumn: "id");
            CollectionAssert.AreEqual(new[] { "x", "y" }, ok.Columns.ToArray());
            CollectionAssert.AreEqual(new float[] { 3, 4 }, ok.Row(ok.RowOf("b")).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        var features = new NodeFeatures(["a", "b"], ["x"], [1, 2]);
        var missing = Assert.ThrowsExactly<ArgumentException>(() =>
            new GraphLinkPredictionTrainer(new MLExtContext(seed: 1)).Fit(EdgeList.From([("a", "b"), ("b", "c")], "g.tsv"), features));
        StringAssert.Contains(missing.Message, "g.tsv row 2: node 'c' has no feature row");
        using var model = new GraphLinkPredictionTrainer(new MLExtContext(seed: 1), new GraphLinkPredictionOptions { Epochs = 1, Dim = 4 })
            .Fit(EdgeList.From([("a", "b")], "g.tsv"), features);
        var wrongColumns = Assert.ThrowsExactly<ArgumentException>(() => model.WithNodes(new NodeFeatures(["c"], ["z"], [1], "new.csv")));
        StringAssert.Contains(wrongColumns.Message, "new.csv: expected the 1 feature columns");
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => model.Score("a", "zz"));
        StringAssert.Contains(unknown.Message, "unknown node 'zz'");
    }
}
