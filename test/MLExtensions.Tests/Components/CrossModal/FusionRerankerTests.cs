using MLExtensions.Components.CrossModal;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class FusionRerankerTests
{
    [TestMethod]
    public void FusionHeadGivesMatchProbabilitiesRerankingAndRoundTrips()
    {
        using var data = new ShapesData();
        var options = CrossModalEncoderTests.SmallOptions();
        options.Fusion = true;
        options.FusionHeads = 2;
        options.Epochs = 4;
        using var model = new MLExtContext(11).CrossModalEncoder(options).Fit(data.Batch());
        Assert.IsTrue(model.HasFusion);

        // The mechanics of the head (probabilities, re-ranked evaluation); a short run is not enough to show how well it separates.
        using var pos = model.MatchProbabilities(data.Paths, data.Captions);
        Assert.IsTrue(pos.ToArray<float>().All(p => p is > 0 and < 1));
        var reranked = RetrievalMetrics.Evaluate(model, data.Paths, data.Captions, rerankTop: 3);
        Assert.AreEqual(18, reranked.TextToImage.Queries);

        using var index = model.IndexImages(data.Paths);
        using var q = model.EmbedTexts([data.Captions[4]]);
        var hits = model.RerankImages(data.Captions[4], index.Search(q, 5)[0]);
        Assert.AreEqual(5, hits.Length);
        Assert.IsTrue(hits[0].Score >= hits[1].Score && hits.All(h => h.Score is >= 0 and <= 1));

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
