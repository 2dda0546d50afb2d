using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.FewShot;

/// <summary>
/// The meta-model's <c>Embedding</c> column embeds each row on its own, also for MAML-style models (which adapt with batch
/// statistics): their batch norm uses statistics of the training rows fixed at the end of training and saved in the zip.
/// </summary>
[TestClass]
public sealed class FewShotEmbeddingTests
{
    private const float Tolerance = 1e-5f;

    private static float[] Embeddings(ITransformer model, DataBatch rows) =>
        model.Transform(rows).GetColumn<FloatVectorColumn>(FewShotModel.EmbeddingColumnName).Values.ToArray();

    private static float[] EmbeddingsAlone(ITransformer model, DataBatch rows) =>
        Enumerable.Range(0, rows.RowCount).SelectMany(i => Embeddings(model, rows.Gather([i]))).ToArray();

    private static double MaxDifference(float[] a, float[] b)
    {
        Assert.HasCount(a.Length, b);
        return a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
    }

    private static void AssertClose(float[] expected, float[] actual, string what, float tolerance = Tolerance)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], tolerance, $"{what}: value {i}");
    }

    [TestMethod]
    [DataRow(FewShotAlgorithm.Reptile)]
    [DataRow(FewShotAlgorithm.FoMaml)]
    public void MetaModelEmbedsEachRowIndependentlyThroughSaveAndLoad(FewShotAlgorithm algorithm)
    {
        var root = FewShotBatchNormTests.WriteDigitImages(FewShotTestData.TempFolder(), 6);
        try
        {
            var all = FewShotImageFolder.Load(root);
            var labels = (StringColumn)all["Label"];
            int[] Where(Func<string, bool> keep) => Enumerable.Range(0, all.RowCount).Where(i => keep(labels[i])).ToArray();
            var baseRows = all.Gather(Where(l => string.CompareOrdinal(l, "digits/d5") < 0));
            var newRows = all.Gather(Where(l => string.CompareOrdinal(l, "digits/d5") >= 0));
            Assert.AreEqual(30, baseRows.RowCount);
            Assert.AreEqual(30, newRows.RowCount);
            var o = new FewShotOptions
            {
                Algorithm = algorithm, ImageSize = 16, ConvChannels = 8, Ways = 3, Shots = 1, Queries = 2, Episodes = 10, MetaBatchSize = 2,
                InnerSteps = 2, InnerLearningRate = 0.2, ValidationInterval = 0, ScoringBatchSize = 4,
            };
            using var model = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(baseRows);
            Assert.IsFalse(model.EmbeddingDependsOnBatch, "training fixes the embedding statistics");

            // Thirty new-digit rows embedded in batches of 4, one by one, reversed, after three other rows, and in one batch.
            var batched = Embeddings(model, newRows);
            int d = model.Encoder.EmbeddingSize;
            Assert.HasCount(30 * d, batched);
            Assert.IsGreaterThan(1e-3, MaxDifference(batched[..d], batched[d..(2 * d)]), "different rows get different embeddings");
            AssertClose(batched, EmbeddingsAlone(model, newRows), "alone vs in batches of 4");
            var reversed = Embeddings(model, newRows.Gather(Enumerable.Range(0, 30).Reverse().ToArray()));
            AssertClose(batched, Enumerable.Range(0, 30).SelectMany(i => reversed[((29 - i) * d)..((30 - i) * d)]).ToArray(), "reversed order");
            var mixed = Embeddings(model, DataBatch.Concat([baseRows.Gather([0, 10, 20]), newRows]));
            AssertClose(batched, mixed[(3 * d)..], "after three other rows");
            model.Options.ScoringBatchSize = 64;
            AssertClose(batched, Embeddings(model, newRows), "in one batch of 30");

            var zip = Path.Combine(root, "meta.zip");
            model.Save(zip);
            using var loaded = ModelFile.Load<FewShotModel>(zip);
            Assert.IsFalse(loaded.EmbeddingDependsOnBatch);
            AssertClose(batched, Embeddings(loaded, newRows), "loaded, batched");
            AssertClose(batched, EmbeddingsAlone(loaded, newRows), "loaded, alone");

            // A zip written before the statistics were fixed (no batch-norm mode) loads as it then embedded: each batch
            // normalised with its own statistics, so a row's embedding moves with its neighbours ...
            FewShotBatchNormTests.StripBatchNormMode(zip);
            using var old = ModelFile.Load<FewShotModel>(zip);
            Assert.IsTrue(old.EmbeddingDependsOnBatch);
            var oldBatched = Embeddings(old, newRows);
            var oldMixed = Embeddings(old, DataBatch.Concat([baseRows.Gather([0, 10, 20]), newRows]));
            Assert.IsGreaterThan(1e-3, MaxDifference(oldBatched, oldMixed[(3 * d)..]), "legacy embeddings depend on the batch");
            // ... until the statistics are fixed from the training rows, which gives what training fixed.
            var none = Assert.ThrowsExactly<ArgumentException>(() => old.FixEmbeddingStatistics(baseRows.Gather([])));
            StringAssert.Contains(none.Message, "no rows");
            old.FixEmbeddingStatistics(baseRows);
            Assert.IsFalse(old.EmbeddingDependsOnBatch);
            AssertClose(batched, Embeddings(old, newRows), "legacy zip, statistics fixed from the training rows", 1e-4f);
            AssertClose(batched, EmbeddingsAlone(old, newRows), "legacy zip fixed, alone", 1e-4f);
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void PopulationStatisticsOverChunksEqualTheWholeBatchStatistics()
    {
        var root = FewShotBatchNormTests.WriteDigitImages(FewShotTestData.TempFolder(), 3);
        try
        {
            var o = new FewShotOptions { ImageSize = 16, ConvChannels = 8 };
            var column = (StringColumn)FewShotImageFolder.Load(root)["ImagePath"];
            var paths = Enumerable.Range(0, column.RowCount).Select(i => column[i]).ToArray();
            Assert.HasCount(30, paths);
            using var x = FewShotInput.LoadImages(o, paths);
            using var encoder = new Conv4Encoder(1, 8, 16, new MLExtensions.Torch.Generator(3));
            var whole = encoder.NormStatistics(x).Select(t => t.ToArray<float>()).ToArray();
            var chunked = encoder.PopulationStatistics(x, 7)!.Select(t => t.ToArray<float>()).ToArray();
            Assert.HasCount(8, chunked);
            for (int i = 0; i < 8; i++) AssertClose(whole[i], chunked[i], $"statistic {i}");
            Assert.IsGreaterThan(1e-3, chunked[1].Min(), "the first block's variances are not degenerate");
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void FixingEmbeddingStatisticsIsRefusedForModelsThatEmbedEachRowAlready()
    {
        var train = FewShotTestData.DigitsWhere(y => y < 5);
        var o = new FewShotOptions { Ways = 3, Shots = 1, Queries = 2, Episodes = 2, ValidationInterval = 0, HiddenSizes = [16] };
        using var proto = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(train);
        Assert.IsFalse(proto.EmbeddingDependsOnBatch);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => proto.FixEmbeddingStatistics(train));
        StringAssert.Contains(e.Message, "independently");
    }
}
