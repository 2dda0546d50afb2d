using System.Runtime.InteropServices;
using MLExtensions.Data;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class DataBatchTests
{
    private static DataBatch Sample(int rows = 10) => new(
        new FloatColumn("Label", Enumerable.Range(0, rows).Select(i => (float)(i % 3)).ToArray()),
        new FloatVectorColumn("Features", Enumerable.Range(0, rows * 4).Select(i => (float)i).ToArray(), 4),
        new TextColumn("Name", Enumerable.Range(0, rows).Select(i => $"row{i}").ToArray()));

    [TestMethod]
    public void Missing_column_error_names_it_and_lists_the_available_ones()
    {
        var batch = Sample();
        var e = Assert.ThrowsExactly<KeyNotFoundException>(() => batch["Featurez"]);
        Assert.AreEqual("column 'Featurez' not found; available columns: Label: Float, Features: FloatVector[4], Name: Text", e.Message);
        var e2 = Assert.ThrowsExactly<KeyNotFoundException>(() => batch.GetColumn<FloatColumn>("label"));
        StringAssert.Contains(e2.Message, "did you mean 'Label'?");
    }

    [TestMethod]
    public void Wrong_column_type_is_reported()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Sample().GetColumn<KeyColumn>("Features"));
        Assert.AreEqual("column 'Features' is FloatVector[4]; expected Key", e.Message);
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => Sample().Schema.Require("Name", ColumnKind.Float, ColumnKind.Key));
        Assert.AreEqual("column 'Name' is Text; expected Float or Key", e2.Message);
    }

    [TestMethod]
    public void Append_adds_columns_and_refuses_duplicates_or_wrong_lengths()
    {
        var batch = Sample();
        var scored = batch.Append(new FloatColumn("Score", new float[10]));
        Assert.AreEqual(4, scored.Columns.Count);
        Assert.AreEqual(3, batch.Columns.Count, "the original batch is unchanged");
        Assert.ThrowsExactly<ArgumentException>(() => batch.Append(new FloatColumn("Label", new float[10])));
        Assert.ThrowsExactly<ArgumentException>(() => batch.Append(new FloatColumn("Short", new float[3])));
        var replaced = batch.WithColumn(new FloatColumn("Label", Enumerable.Repeat(9f, 10).ToArray()));
        Assert.AreEqual(9f, replaced.GetColumn<FloatColumn>("Label")[0]);
        Assert.AreEqual("Label", replaced.Columns[0].Name);
    }

    [TestMethod]
    public void Slice_shares_memory_and_batches_cover_every_row()
    {
        var batch = Sample();
        var slice = batch.Slice(6, 3);
        var features = slice.GetColumn<FloatVectorColumn>("Features");
        CollectionAssert.AreEqual(new float[] { 24, 25, 26, 27 }, features.GetRow(0).ToArray());
        Assert.AreEqual("row8", slice.GetColumn<TextColumn>("Name")[2]);
        Assert.IsTrue(MemoryMarshal.TryGetArray(features.Values, out var part));
        Assert.IsTrue(MemoryMarshal.TryGetArray(batch.GetColumn<FloatVectorColumn>("Features").Values, out var whole));
        Assert.AreSame(whole.Array, part.Array);
        Assert.AreEqual(24, part.Offset);

        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, batch.Batches(4).Select(b => b.RowCount).ToArray());
        var joined = DataBatch.Concat(batch.Batches(4));
        CollectionAssert.AreEqual(batch.GetColumn<FloatVectorColumn>("Features").Values.ToArray(), joined.GetColumn<FloatVectorColumn>("Features").Values.ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => batch.Slice(8, 3));
    }

    [TestMethod]
    public void Columns_must_have_equal_lengths_and_unique_names()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DataBatch(new FloatColumn("a", new float[3]), new FloatColumn("b", new float[2])));
        StringAssert.Contains(e.Message, "column 'b' has 2 rows but column 'a' has 3");
        Assert.ThrowsExactly<ArgumentException>(() => new DataBatch(new FloatColumn("a", new float[3]), new TextColumn("a", new[] { "", "", "" })));
        Assert.ThrowsExactly<ArgumentException>(() => new FloatVectorColumn("v", new float[7], 2));
        Assert.ThrowsExactly<ArgumentException>(() => new KeyColumn("k", new long[] { 0, 2 }, ["x", "y"]));
    }

    [TestMethod]
    public void Shuffle_and_split_are_repeatable_with_a_seed()
    {
        var batch = Sample(100);
        var (trainA, testA) = new MLExtContext(seed: 5).Data.TrainTestSplit(batch, 0.25);
        var (trainB, testB) = new MLExtContext(seed: 5).Data.TrainTestSplit(batch, 0.25);
        Assert.AreEqual(75, trainA.RowCount);
        Assert.AreEqual(25, testA.RowCount);
        CollectionAssert.AreEqual(testA.GetColumn<TextColumn>("Name").Values.ToArray(), testB.GetColumn<TextColumn>("Name").Values.ToArray());
        var all = trainA.GetColumn<TextColumn>("Name").Values.ToArray().Concat(testA.GetColumn<TextColumn>("Name").Values.ToArray());
        CollectionAssert.AreEquivalent(batch.GetColumn<TextColumn>("Name").Values.ToArray(), all.ToArray());
    }

    [TestMethod]
    public void Label_map_converts_labels_to_named_keys()
    {
        var labels = new TextColumn("Label", new[] { "dog", "cat", "dog", "emu" });
        var map = LabelMap.FromColumn(labels);
        CollectionAssert.AreEqual(new[] { "cat", "dog", "emu" }, map.Labels.ToArray());
        var keys = map.ToKeys(labels);
        CollectionAssert.AreEqual(new long[] { 1, 0, 1, 2 }, keys.Values.ToArray());
        Assert.AreEqual("emu", keys.GetName(3));
        var e = Assert.ThrowsExactly<ArgumentException>(() => map.ToKeys(new TextColumn("Label", new[] { "cow" })));
        StringAssert.Contains(e.Message, "label 'cow' is not one of the 3 known labels (cat, dog, emu)");
        var numeric = LabelMap.FromColumn(new FloatColumn("y", new float[] { 10, 2, 2, 1.5f }));
        CollectionAssert.AreEqual(new[] { "1.5", "2", "10" }, numeric.Labels.ToArray());
    }

    [TestMethod]
    public void Tensor_conversions_round_trip()
    {
        var batch = Sample();
        using var t = batch.GetColumn<FloatVectorColumn>("Features").ToTensor();
        CollectionAssert.AreEqual(new long[] { 10, 4 }, t.Shape);
        using var doubled = t * 2.0;
        var back = FloatVectorColumn.FromTensor("Doubled", doubled);
        Assert.AreEqual(78f, back.GetRow(9)[3]);
        using var keys = new KeyColumn("k", new long[] { 3, 1 }).ToTensor();
        Assert.AreEqual(MLExtensions.Torch.ScalarType.Int64, keys.DType);
    }
}
