using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.FewShot;

/// <summary>
/// Classifiers adapted from gradient-based (MAML-style) models score each row on its own: batch norm uses the support
/// set's statistics, so a query's scores do not depend on the rows scored with it.
/// </summary>
[TestClass]
public sealed class FewShotBatchNormTests
{
    // The embedded 8x8 digits written as 16x16 grey images, one folder per digit (a few images each).
    internal static string WriteDigitImages(string root, int perClass)
    {
        var (xs, ys) = RepoData.LoadDigits();
        var counts = new int[10];
        for (int i = 0; i < ys.Length; i++)
        {
            int d = (int)ys[i];
            if (counts[d] >= perClass) continue;
            var folder = Path.Combine(root, "digits", $"d{d}");
            Directory.CreateDirectory(folder);
            var x = xs[i];
            TestPng.Write(Path.Combine(folder, $"{counts[d]++}.png"), 16, 16, 1, (c, r, _) => (byte)Math.Round(255 * x[(r / 2) * 8 + c / 2]));
        }
        return root;
    }

    private static DataBatch Rows(DataBatch data, IEnumerable<int> rows) => data.Gather(rows.ToArray());

    private static float[] Scores(ITransformer classifier, DataBatch rows) =>
        classifier.Transform(rows).GetColumn<FloatVectorColumn>("Score").Values.ToArray();

    // Each row's scores when it is scored alone.
    private static float[] ScoresAlone(ITransformer classifier, DataBatch rows) =>
        Enumerable.Range(0, rows.RowCount).SelectMany(i => Scores(classifier, Rows(rows, [i]))).ToArray();

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"{what}: value {i}");
    }

    // Removes the batch-norm mode from a model or classifier zip's manifest, as files written before it existed lack it.
    internal static void StripBatchNormMode(string zip)
    {
        using var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Update);
        var entry = archive.GetEntry(ModelFile.ManifestEntryName)!;
        System.Text.Json.Nodes.JsonNode json;
        using (var read = entry.Open()) json = System.Text.Json.Nodes.JsonNode.Parse(read)!;
        int removed = Remove(json);
        Assert.AreEqual(1, removed, "the manifest names the batch-norm mode once");
        entry.Delete();
        using var write = archive.CreateEntry(ModelFile.ManifestEntryName).Open();
        write.Write(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));

        static int Remove(System.Text.Json.Nodes.JsonNode? node)
        {
            int n = 0;
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                if (o.Remove("batchNorm")) n++;
                foreach (var kv in o.ToList()) n += Remove(kv.Value);
            }
            else if (node is System.Text.Json.Nodes.JsonArray a) foreach (var x in a) n += Remove(x);
            return n;
        }
    }

    [TestMethod]
    public void FoMamlClassifierScoresEachQueryIndependentlyAndTheZipKeepsIt()
    {
        var root = WriteDigitImages(FewShotTestData.TempFolder(), 8);
        try
        {
            var all = FewShotImageFolder.Load(root);
            var labels = (StringColumn)all["Label"];
            int[] Where(Func<string, int, bool> keep) => Enumerable.Range(0, all.RowCount).Where(i => keep(labels[i], i)).ToArray();
            var baseRows = Where((l, _) => string.CompareOrdinal(l, "digits/d5") < 0);
            var newRows = Where((l, _) => string.CompareOrdinal(l, "digits/d5") >= 0);
            var o = new FewShotOptions
            {
                Algorithm = FewShotAlgorithm.FoMaml, ImageSize = 16, ConvChannels = 8, Ways = 3, Shots = 1, Queries = 3, Episodes = 20,
                InnerSteps = 2, InnerLearningRate = 0.2, ValidationInterval = 0, ScoringBatchSize = 4,
                // Meta-trained as it scores (the query normalised with the support's statistics): the one path of the
                // trainer that differentiates through those statistics.
                SupportStatisticsTraining = true,
            };
            using var model = new MLExtContext(seed: 1).FewShotClassifier(o).Fit(Rows(all, baseRows));
            // Support: two images of each new digit; queries: three others of each (15 rows, scored in batches of 4).
            int Index(int row) => int.Parse(Path.GetFileNameWithoutExtension(((StringColumn)all["ImagePath"])[row]), System.Globalization.CultureInfo.InvariantCulture);
            var supportRows = newRows.Where(i => Index(i) < 2).ToArray();
            var queryRows = newRows.Where(i => Index(i) is >= 2 and < 5).ToArray();
            var support = Rows(all, supportRows);
            var queries = Rows(all, queryRows);
            var mixedRows = Rows(all, supportRows[..3].Concat(queryRows));
            Assert.AreEqual(10, support.RowCount);
            Assert.AreEqual(15, queries.RowCount);

            using var classifier = model.Adapt(support);
            var batched = Scores(classifier, queries);
            AssertClose(batched, ScoresAlone(classifier, queries), "alone vs batched");
            var reversed = Enumerable.Range(0, queries.RowCount).Reverse().ToArray();
            var reversedScores = Scores(classifier, Rows(queries, reversed));
            var unreversed = Enumerable.Range(0, queries.RowCount).SelectMany(i => reversedScores[(5 * (queries.RowCount - 1 - i))..(5 * (queries.RowCount - i))]).ToArray();
            AssertClose(batched, unreversed, "reversed order");
            // Scored next to other rows (the support set): the query rows' scores do not move.
            var mixed = Scores(classifier, mixedRows);
            AssertClose(batched, mixed[(3 * 5)..], "next to other rows");
            Assert.IsGreaterThan(0.3, classifier.Accuracy(queries), "5-way: above chance (0.2)");

            var zip = Path.Combine(root, "adapted.zip");
            classifier.Save(zip);
            using var loaded = ModelFile.Load<FewShotClassifier>(zip);
            AssertClose(batched, Scores(loaded, queries), "loaded, batched");
            AssertClose(batched, ScoresAlone(loaded, queries), "loaded, alone");

            // The transductive option (the published protocol) normalises each batch with its own statistics: a row's scores
            // then depend on its neighbours, which the default must not.
            model.Options.TransductiveBatchNorm = true;
            using var transductive = model.Adapt(support);
            var tBatched = Scores(transductive, queries);
            var tMixed = Scores(transductive, mixedRows);
            double moved = tBatched.Zip(tMixed[(3 * 5)..]).Max(p => Math.Abs(p.First - p.Second));
            Assert.IsGreaterThan(1e-3, moved, "transductive scores depend on the batch");
            transductive.Save(zip);
            using var tLoaded = ModelFile.Load<FewShotClassifier>(zip);
            AssertClose(tBatched, Scores(tLoaded, queries), "transductive, loaded");

            // A classifier file written before the support statistics were kept (no batch-norm mode in its manifest) loads
            // as it then scored: with the statistics of each batch.
            classifier.Save(zip);
            StripBatchNormMode(zip);
            using var old = ModelFile.Load<FewShotClassifier>(zip);
            AssertClose(tBatched, Scores(old, queries), "file without a batch-norm mode");
        }
        finally { Directory.Delete(root, true); }
    }
}
