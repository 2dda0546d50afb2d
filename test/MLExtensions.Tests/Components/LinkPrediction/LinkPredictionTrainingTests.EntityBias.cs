using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

// The learned per-entity score bias, and the encoder output shared across one step's or evaluation's scores.
public sealed partial class LinkPredictionTrainingTests
{
    private static Tensor IdTensor(params long[] ids) => Tensor.From(ids, ids.Length);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void The_bias_adds_b_head_plus_b_tail_to_every_score_and_all_entity_scores_agree_with_triple_scores(bool reciprocal)
    {
        using var model = new DistMult(4, 2, 3, reciprocal);
        model.AddEntityBias();
        using (torch.NoGrad()) model.EntityBias!.Copy_(Tensor.From(new float[] { 0.5f, -1f, 2f, 0.25f }, 4));
        var heads = new long[] { 0, 3, 2 };
        var rels = new long[] { 1, 0, 1 };
        var tails = new long[] { 1, 1, 3 };
        using var noGrad = torch.NoGrad();
        var withBias = model.ScoreTriples(IdTensor(heads), IdTensor(rels), IdTensor(tails)).ToArray<float>();
        var e = model.EntityWeight.ToArray<float>();
        var r = model.RelationWeight.ToArray<float>();
        var b = new[] { 0.5f, -1f, 2f, 0.25f };
        for (int i = 0; i < heads.Length; i++)
        {
            float expected = b[heads[i]] + b[tails[i]];
            for (int k = 0; k < 3; k++) expected += e[heads[i] * 3 + k] * r[rels[i] * 3 + k] * e[tails[i] * 3 + k];
            Assert.AreEqual(expected, withBias[i], 1e-5, $"triple {i}");
        }
        // Against all entities, column c of a tail query is the triple (h, r, c); of a head query, (c, r, t).
        var allTails = model.ScoreTails(IdTensor(heads), IdTensor(rels)).ToArray<float>();
        var allHeads = model.ScoreHeads(IdTensor(rels), IdTensor(tails)).ToArray<float>();
        for (int i = 0; i < heads.Length; i++)
            for (long c = 0; c < 4; c++)
            {
                float asTail = model.ScoreTriples(IdTensor(heads[i]), IdTensor(rels[i]), IdTensor(c)).ToArray<float>()[0];
                float asHead = model.ScoreTriples(IdTensor(c), IdTensor(rels[i]), IdTensor(tails[i])).ToArray<float>()[0];
                Assert.AreEqual(asTail, allTails[i * 4 + c], 1e-5, $"tail query {i}, candidate {c}");
                if (!reciprocal) Assert.AreEqual(asHead, allHeads[i * 4 + c], 1e-5, $"head query {i}, candidate {c}");
            }
        if (reciprocal)
        {
            // A reciprocal model scores (?, r, t) as (t, r⁻¹, ?): the same bias terms, b_candidate + b_t.
            var inverse = model.ScoreTails(IdTensor(tails), IdTensor(rels.Select(x => x + 2).ToArray())).ToArray<float>();
            for (int i = 0; i < inverse.Length; i++) Assert.AreEqual(inverse[i], allHeads[i], 1e-5, $"head score {i}");
        }
    }

    [TestMethod]
    public void A_zero_bias_changes_no_score_and_a_model_cannot_get_two()
    {
        using var model = new ComplEx(5, 2, 4);
        var ids = (IdTensor(0, 1, 4), IdTensor(1, 0, 1), IdTensor(2, 3, 0));
        float[] before, after;
        using (torch.NoGrad()) before = model.ScoreTails(ids.Item1, ids.Item2).ToArray<float>();
        model.AddEntityBias();
        using (torch.NoGrad()) after = model.ScoreTails(ids.Item1, ids.Item2).ToArray<float>();
        CollectionAssert.AreEqual(before, after);
        Assert.ThrowsExactly<InvalidOperationException>(() => model.AddEntityBias());
    }

    [TestMethod]
    public void The_option_starts_the_bias_where_every_one_to_n_probability_is_one_over_the_entity_count()
    {
        var (train, _) = FamilyGraph.Split(4, 0.0, seed: 1);
        var maps = KgIdMaps.Build(train);
        var options = new LinkPredictionOptions { Model = KgeModelKind.DistMult, Dim = 8, EntityBias = true };
        using var model = KgeModels.Create(options, maps.EntityCount, maps.RelationCount, maps.Encode(train, UnknownTriples.Error).Ids);
        var bias = model.EntityBias!.ToArray<float>();
        Assert.AreEqual(maps.EntityCount, bias.Length);
        double p = 1 / (1 + Math.Exp(-2.0 * bias[0]));
        Assert.AreEqual(1.0 / maps.EntityCount, p, 1e-6);
        Assert.IsTrue(bias.All(b => b == bias[0]));
    }

    [TestMethod]
    public void A_shared_encoder_output_gives_the_same_scores_and_gradients_as_one_pass_per_call()
    {
        var (train, _) = FamilyGraph.Split(3, 0.0, seed: 1);
        var maps = KgIdMaps.Build(train);
        var ids = maps.Encode(train, UnknownTriples.Error).Ids;
        var options = new LinkPredictionOptions { Model = KgeModelKind.DistMult, Encoder = EntityEncoderKind.Rgcn, Dim = 8, EntityBias = true };
        torch.ManualSeed(3);
        using var model = KgeModels.Create(options, maps.EntityCount, maps.RelationCount, ids);
        using (torch.NoGrad()) model.EntityBias!.Copy_(torch.Rand([maps.EntityCount]));
        var h = IdTensor(0, 5, 9); var r = IdTensor(0, 1, 2); var t = IdTensor(1, 2, 3);

        (float[] Scores, float[] Grad) Run(bool share)
        {
            foreach (var p in model.Parameters()) p.Grad?.Zero_();
            using var shared = share ? model.ShareEntityTable() : null;
            var tails = model.ScoreTails(h, r);
            var heads = model.ScoreHeads(r, t);
            (tails.Square().Sum() + heads.Sum()).Backward();
            return (torch.Cat([tails.Flatten(), heads.Flatten()], 0).ToArray<float>(), model.EntityWeight.Grad!.ToArray<float>());
        }

        var separate = Run(share: false);
        var once = Run(share: true);
        CollectionAssert.AreEqual(separate.Scores, once.Scores);
        for (int i = 0; i < separate.Grad.Length; i++) Assert.AreEqual(separate.Grad[i], once.Grad[i], 1e-4, $"entity gradient {i}");
        // After the scope the encoder runs again per call (a changed table is seen).
        using (torch.NoGrad()) model.EntityWeight.Mul_(2);
        using (torch.NoGrad()) CollectionAssert.AreNotEqual(separate.Scores.Take((int)model.EntityCount).ToArray(),
                                                             model.ScoreTails(h, r).Flatten().ToArray<float>().Take((int)model.EntityCount).ToArray());
    }

    [TestMethod]
    public void An_encoder_model_scored_from_several_threads_at_once_gives_the_sequential_scores()
    {
        var (train, test) = FamilyGraph.Split(6, 0.2, seed: 2);
        var options = new LinkPredictionOptions { Model = KgeModelKind.DistMult, Encoder = EntityEncoderKind.CompGcn, Dim = 16, Epochs = 2, EarlyStoppingPatience = 0 };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        var expected = model.ScoreTriples(test.Triples);
        var expectedTop = model.PredictTails(test.Triples.Select(t => (t.Head, t.Relation)).ToList(), 3);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            if (i % 2 == 0)
            {
                var scores = model.ScoreTriples(test.Triples);
                if (!scores.SequenceEqual(expected)) failures.Add($"call {i}: triple scores differ");
            }
            else
            {
                var top = model.PredictTails(test.Triples.Select(t => (t.Head, t.Relation)).ToList(), 3);
                for (int q = 0; q < top.Count; q++)
                    if (!top[q].Select(e => e.Entity).SequenceEqual(expectedTop[q].Select(e => e.Entity))) failures.Add($"call {i}: top tails of query {q} differ");
            }
        });
        Assert.IsTrue(failures.IsEmpty, string.Join("; ", failures.Take(5)));
    }

    [TestMethod]
    public void Rgcn_with_an_entity_bias_learns_the_family_graph_saves_the_bias_and_reloads_identically()
    {
        var (train, test) = FamilyGraph.Split(12, 0.1, seed: 7);
        var options = new LinkPredictionOptions
        {
            Model = KgeModelKind.DistMult, Encoder = EntityEncoderKind.Rgcn, EncoderBases = 4, EntityBias = true,
            Dim = 32, Epochs = 30, BatchSize = 128, LearningRate = 0.03, EarlyStoppingPatience = 0,
        };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        var metrics = model.Evaluate(test, [train]);
        Console.WriteLine($"R-GCN + DistMult with entity bias: filtered test MRR {metrics.Mrr:F3}");
        Assert.IsTrue(metrics.Mrr > 0.3, $"filtered MRR {metrics.Mrr:F3} (chance ≈ 0.045)");
        var bias = model.Network.EntityBias!.ToArray<float>();
        Assert.IsTrue(bias.Any(x => Math.Abs(x) > 1e-3), "the bias was trained");
        SavedModel.RoundTrip(model, loaded =>
        {
            Assert.IsTrue(loaded.Options.EntityBias);
            CollectionAssert.AreEqual(bias, loaded.Network.EntityBias!.ToArray<float>());
            CollectionAssert.AreEqual(model.ScoreTriples(test.Triples), loaded.ScoreTriples(test.Triples));
        });
    }

    [TestMethod]
    public void By_default_1N_training_gets_the_bias_and_1vsAll_and_negative_sampling_do_not()
    {
        var (train, _) = FamilyGraph.Split(2, 0.0, seed: 1);
        var maps = KgIdMaps.Build(train);
        var ids = maps.Encode(train, UnknownTriples.Error).Ids;
        foreach (var (mode, expected) in new[] { (LinkPredictionTrainingMode.OneToN, true), (LinkPredictionTrainingMode.OneVsAll, false),
                                                 (LinkPredictionTrainingMode.NegativeSampling, false) })
        {
            var options = new LinkPredictionOptions { Mode = mode, Dim = 4 };
            using var model = KgeModels.Create(options, maps.EntityCount, maps.RelationCount, ids);
            Assert.AreEqual(expected, model.EntityBias != null, $"{mode}");
        }
    }

    [TestMethod]
    public void A_model_file_from_before_the_option_loads_without_a_bias_and_scores_as_saved()
    {
        var (train, test) = FamilyGraph.Split(4, 0.1, seed: 3);
        var options = new LinkPredictionOptions { Model = KgeModelKind.DistMult, EntityBias = false, Dim = 8, Epochs = 2, EarlyStoppingPatience = 0 };
        using var model = new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train);
        // The options of an older file have no EntityBias entry (null now means "on for 1-N", this model's mode).
        SavedModel.RoundTrip(model, loaded =>
        {
            Assert.IsNull(loaded.Network.EntityBias);
            CollectionAssert.AreEqual(model.ScoreTriples(test.Triples), loaded.ScoreTriples(test.Triples));
        }, edit: path =>
        {
            using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update);
            var entry = zip.GetEntry("model.json")!;
            System.Text.Json.Nodes.JsonNode json;
            using (var read = entry.Open()) json = System.Text.Json.Nodes.JsonNode.Parse(read)!;
            Assert.IsTrue(json["options"]!.AsObject().Remove("EntityBias"));
            entry.Delete();
            using var write = zip.CreateEntry("model.json").Open();
            using var writer = new System.Text.Json.Utf8JsonWriter(write);
            json.WriteTo(writer);
        });
    }

    [TestMethod]
    public void Negative_sampling_refuses_an_entity_bias_by_name()
    {
        var (train, _) = FamilyGraph.Split(2, 0.0, seed: 1);
        var options = new LinkPredictionOptions { Mode = LinkPredictionTrainingMode.NegativeSampling, EntityBias = true, Dim = 8, Epochs = 1 };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new LinkPredictionTrainer(new MLExtContext(seed: 1), options).Fit(train));
        StringAssert.Contains(e.Message, "EntityBias");
    }
}
