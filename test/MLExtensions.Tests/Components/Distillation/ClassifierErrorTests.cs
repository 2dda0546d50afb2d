using MLExtensions.Components.Classification;
using MLExtensions.Components.Distillation;
using MLExtensions.Data;

namespace MLExtensions.Tests.Components.Distillation;

/// <summary>Bad input gives one clear error that names the row and the column.</summary>
[TestClass]
public sealed class ClassifierErrorTests
{
    private static DataBatch WithFeature(DataBatch batch, int row, int slot, float value)
    {
        var f = batch.GetColumn<FloatVectorColumn>("Features");
        var values = f.Values.ToArray();
        values[row * f.Size + slot] = value;
        return batch.WithColumn(new FloatVectorColumn("Features", values, f.Size, f.SlotNames));
    }

    [TestMethod]
    public void MissingFeatureIsNamedAtScoringAndTraining()
    {
        var test = WithFeature(DistillationTestData.Test.Slice(0, 20), 7, 3, float.NaN);
        var e = Assert.ThrowsExactly<ArgumentException>(() => DistillationTestData.Teacher.Transform(test));
        StringAssert.Contains(e.Message, "row 7");
        StringAssert.Contains(e.Message, "'p3'");
        StringAssert.Contains(e.Message, "missing");
        var train = WithFeature(DistillationTestData.Train.Slice(0, 50), 12, 0, float.NaN);
        var e2 = Assert.ThrowsExactly<ArgumentException>(() =>
            new MLExtContext(1).NeuralClassifier(new NeuralClassifierOptions { LabelColumnName = "label", Epochs = 1 }).Fit(train));
        StringAssert.Contains(e2.Message, "row 12");
    }

    [TestMethod]
    public void WrongColumnCountIsNamed()
    {
        var f = DistillationTestData.Test.GetColumn<FloatVectorColumn>("Features");
        var narrow = new float[f.RowCount * (f.Size - 1)];
        for (int r = 0; r < f.RowCount; r++) f.GetRow(r)[..^1].CopyTo(narrow.AsSpan(r * (f.Size - 1)));
        var batch = new DataBatch(new FloatVectorColumn("Features", narrow, f.Size - 1, f.SlotNames!.Take(f.Size - 1).ToArray()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => DistillationTestData.Teacher.Transform(batch));
        StringAssert.Contains(e.Message, "63 values per row");
        StringAssert.Contains(e.Message, "expects 64");
        StringAssert.Contains(e.Message, "missing: p63");
    }

    [TestMethod]
    public void UnknownLabelAtEvaluationIsNamed()
    {
        var test = DistillationTestData.Test.Slice(0, 30);
        var labels = test.GetColumn<TextColumn>("label").Values.ToArray();
        labels[17] = "eleven";
        var bad = test.WithColumn(new TextColumn("label", labels));
        var scored = DistillationTestData.Teacher.TransformBatchesFor(bad);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ClassificationMetrics.Compute(scored, "label"));
        StringAssert.Contains(e.Message, "row 17");
        StringAssert.Contains(e.Message, "'label'");
        StringAssert.Contains(e.Message, "'eleven'");
    }

    [TestMethod]
    public void TeacherWithOtherClassesThanTheDataIsRefused()
    {
        var train = DistillationTestData.Train.Slice(0, 40);
        var labels = train.GetColumn<TextColumn>("label").Values.ToArray();
        labels[5] = "X";
        var bad = train.WithColumn(new TextColumn("label", labels));
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            new MLExtContext(1).DistilledStudent(new DistilledStudentOptions { LabelColumnName = "label", Epochs = 1 }, DistillationTestData.Teacher).Fit(bad));
        StringAssert.Contains(e.Message, "row 5");
        StringAssert.Contains(e.Message, "'X'");
        StringAssert.Contains(e.Message, "teacher");
    }

    [TestMethod]
    public void NoTeacherAndBadOptionsAreRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            new MLExtContext(1).DistilledStudent(new DistilledStudentOptions { LabelColumnName = "label" }).Fit(DistillationTestData.Train.Slice(0, 10)));
        StringAssert.Contains(e.Message, "teacher");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new MLExtContext(1).DistilledStudent(new DistilledStudentOptions { Temperature = 0 }, DistillationTestData.Teacher).Fit(DistillationTestData.Train.Slice(0, 10)));
    }
}

internal static class ScoringHelpers
{
    public static IEnumerable<DataBatch> TransformBatchesFor(this ITransformer model, DataBatch data) =>
        MLExtensions.Scoring.BatchScorer.TransformBatches(model, data.Batches(8));
}
