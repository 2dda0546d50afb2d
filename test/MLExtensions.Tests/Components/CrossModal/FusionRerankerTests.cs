using MLExtensions.Components.CrossModal;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class FusionRerankerTests
{
    private static CrossModalEncoderOptions FusionOptions()
    {
        var options = CrossModalEncoderTests.SmallOptions();
        options.Fusion = true;
        options.FusionHeads = 2;
        options.FusionEpochs = 3;
        options.FusionNegatives = 2;
        options.FusionHardPool = 4;
        options.Epochs = 4;
        options.ValidationFraction = 0.25; // the match weight of re-ranking is chosen on these pairs
        return options;
    }

    [TestMethod]
    public void FusionHeadGivesMatchProbabilitiesRerankingAndRoundTrips()
    {
        using var data = new ShapesData();
        var options = FusionOptions();
        options.FusionLayers = 2;
        using var model = new MLExtContext(11).CrossModalEncoder(options).Fit(data.Batch());
        Assert.IsTrue(model.HasFusion);

        // The mechanics of the head (probabilities, re-ranked evaluation); a short run is not enough to show how well it separates.
        using var pos = model.MatchProbabilities(data.Paths, data.Captions);
        Assert.IsTrue(pos.ToArray<float>().All(p => p is > 0 and < 1));
        var reranked = RetrievalMetrics.Evaluate(model, data.Paths, data.Captions, rerankTop: 3);
        Assert.AreEqual(18, reranked.TextToImage.Queries);

        // The match weight was chosen on the validation pairs among the grid; weight 0 keeps the embedding order exactly.
        Assert.IsTrue(model.Metrics.ContainsKey("rerank_match_weight") && model.Metrics.ContainsKey("val_mean_recall_reranked"));
        CollectionAssert.Contains(new[] { 0, 0.25, 0.5, 1, 2, 4, 8, 16, 1000 }, model.RerankMatchWeight);
        var plain = RetrievalMetrics.Evaluate(model, data.Paths, data.Captions);
        Assert.AreEqual(plain, RetrievalMetrics.Evaluate(model, data.Paths, data.Captions, rerankTop: 3, matchWeight: 0));

        // Re-ranking from the index's kept image tokens equals re-ranking from the decoded files.
        using var index = model.IndexImages(data.Paths);
        using var q = model.EmbedTexts([data.Captions[4]]);
        var top = index.Search(q, 5)[0];
        var hits = model.RerankImages(data.Captions[4], top, index);
        var decoded = model.RerankImages(data.Captions[4], top);
        Assert.AreEqual(5, hits.Length);
        Assert.IsTrue(hits[0].Score >= hits[1].Score);
        CollectionAssert.AreEqual(decoded.Select(h => h.Index).ToArray(), hits.Select(h => h.Index).ToArray());
        for (int i = 0; i < hits.Length; i++) Assert.AreEqual(decoded[i].Score, hits[i].Score, 1e-4);

        // MatchScore is the head's probability; save and load keep it exactly.
        var scored = model.Transform(data.Batch()).GetColumn<FloatColumn>(CrossModalEncoderModel.MatchScoreColumn);
        var path = Path.Combine(data.Folder, "fusion.zip");
        model.Save(path);
        using var loaded = ModelFile.Load<CrossModalEncoderModel>(path);
        var again = loaded.Transform(data.Batch()).GetColumn<FloatColumn>(CrossModalEncoderModel.MatchScoreColumn);
        CollectionAssert.AreEqual(scored.Values.ToArray(), again.Values.ToArray());
        CollectionAssert.AreEqual(pos.ToArray<float>(), scored.Values.ToArray());
    }

    [TestMethod]
    public void TheHeadIsASecondStageOnFrozenEncoders()
    {
        using var data = new ShapesData();
        var options = FusionOptions();
        options.FusionColours = true;
        using var fused = new MLExtContext(3).CrossModalEncoder(options).Fit(data.Batch());
        var plainOptions = FusionOptions();
        plainOptions.Fusion = false;
        using var plain = new MLExtContext(3).CrossModalEncoder(plainOptions).Fit(data.Batch());
        Assert.IsFalse(plain.HasFusion);

        // The embeddings are exactly those of the model trained without the head.
        using (var a = fused.EmbedImages(data.Paths))
        using (var b = plain.EmbedImages(data.Paths))
            CollectionAssert.AreEqual(b.ToArray<float>(), a.ToArray<float>());
        using (var a = fused.EmbedTexts(data.Captions))
        using (var b = plain.EmbedTexts(data.Captions))
            CollectionAssert.AreEqual(b.ToArray<float>(), a.ToArray<float>());

        // Adding the head to that model afterwards gives the same head as training with Fusion.
        var addOptions = FusionOptions();
        addOptions.FusionColours = true;
        using var added = new MLExtContext(5).CrossModalEncoder(addOptions).FitFusion(plain, data.Batch());
        Assert.IsTrue(added.HasFusion && added.Options.FusionColours);
        using var p1 = fused.MatchProbabilities(data.Paths, data.Captions);
        using var p2 = added.MatchProbabilities(data.Paths, data.Captions);
        CollectionAssert.AreEqual(p1.ToArray<float>(), p2.ToArray<float>());
        Assert.AreEqual(fused.RerankMatchWeight, added.RerankMatchWeight);
    }

    [TestMethod]
    public void GroupedValidationHoldsOutWholeGroups()
    {
        using var data = new ShapesData(16);
        var options = CrossModalEncoderTests.SmallOptions();
        options.ValidationFraction = 0.3;
        options.ValidationGroupPattern = @"^a \w+"; // the colour: its three shapes are held out together
        var held = CrossModalEncoderTrainer.HeldOutRows(data.Captions, options);
        var heldColours = held.Select(r => data.Captions[r].Split(' ')[1]).Distinct().ToArray();
        Assert.AreEqual(3 * heldColours.Length, held.Length);
        Assert.IsTrue(held.Length >= 0.3 * data.Captions.Count, $"{held.Length} held out");
        for (int r = 0; r < data.Captions.Count; r++)
            Assert.AreEqual(heldColours.Contains(data.Captions[r].Split(' ')[1]), held.Contains(r), data.Captions[r]);

        // Pair by pair without a pattern; a bad pattern is a clear error.
        options.ValidationGroupPattern = null;
        Assert.AreEqual(5, CrossModalEncoderTrainer.HeldOutRows(data.Captions, options).Length);
        options.ValidationGroupPattern = "(";
        var e = Assert.ThrowsExactly<ArgumentException>(() => CrossModalEncoderTrainer.HeldOutRows(data.Captions, options));
        StringAssert.Contains(e.Message, "ValidationGroupPattern");
    }

    [TestMethod]
    public void RerankingWithoutAFusionHeadIsAClearError()
    {
        using var data = new ShapesData(16);
        var options = CrossModalEncoderTests.SmallOptions();
        options.ImageSize = 16;
        options.Epochs = 1;
        using var model = new MLExtContext(2).CrossModalEncoder(options).Fit(data.Batch());
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => model.MatchProbabilities(data.Paths, data.Captions));
        StringAssert.Contains(e.Message, "fusion");
    }
}
