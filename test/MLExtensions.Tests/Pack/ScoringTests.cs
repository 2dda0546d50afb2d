using MLExtensions.Data;
using MLExtensions.Scoring;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class ScoringTests
{
    [TestMethod]
    public void Streaming_scoring_runs_one_forward_pass_per_batch_under_no_grad()
    {
        var ctx = new MLExtContext();
        var options = new TextLoaderOptions { LabelColumnName = "label", GatherNumericFeatures = true };
        var batches = ctx.Data.ReadTextFile(TestData.DigitsPath, 256, options);
        var intermediates = new List<Tensor>();
        int calls = 0;
        bool anyGrad = false;

        long rows = 0;
        float firstSum = float.NaN;
        foreach (var scored in BatchScorer.Score(batches, batch =>
        {
            calls++;
            anyGrad |= torch.IsGradEnabled;
            var x = batch.GetColumn<FloatVectorColumn>("Features").ToTensor();
            var sum = x.Sum(1);
            intermediates.Add(x);
            return batch.Append(FloatColumn.FromTensor("Sum", sum));
        }))
        {
            Assert.IsTrue(torch.IsGradEnabled, "the consumer runs outside the no-grad guard");
            Assert.IsTrue(intermediates.All(t => t.IsDisposed), "tensors are freed before the batch is handed on");
            if (rows == 0) firstSum = scored.GetColumn<FloatColumn>("Sum")[0];
            rows += scored.RowCount;
        }
        Assert.AreEqual(1797L, rows);
        Assert.AreEqual(8, calls); // ceil(1797 / 256)
        Assert.IsFalse(anyGrad);
        Assert.AreEqual(TestData.DigitsRow0.Sum(), firstSum);
    }

    [TestMethod]
    public void Transformer_scoring_streams_and_rebatches()
    {
        using var model = new RowSumModel(Tensor.From(new float[] { 1, 1 }));
        var data = new DataBatch(new FloatVectorColumn("Features", Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 2));
        var small = data.Batches(3);
        var regrouped = BatchScorer.Rebatch(small, 4).ToList();
        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, regrouped.Select(b => b.RowCount).ToArray());

        var scores = model.TransformBatches(regrouped).SelectMany(b => b.GetColumn<FloatColumn>("Score").Values.ToArray()).ToArray();
        Assert.AreEqual(3, model.TransformCalls);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => (float)(4 * i + 1)).ToArray(), scores);
    }

    private sealed class Input
    {
        [VectorType(3)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float Score { get; set; }
    }

    [TestMethod]
    public void Prediction_engine_pool_is_safe_across_threads()
    {
        using var model = new RowSumModel(Tensor.From(new float[] { 1, 10, 100 }));
        using var pool = PredictionEnginePool<Input, Output>.ForModel(model, maxRetained: 4);
        var results = new float[200];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = pool.Predict(new Input { Features = [i, 1, 0] }).Score);
        for (int i = 0; i < results.Length; i++) Assert.AreEqual(i + 10f, results[i]);
        Assert.IsTrue(pool.IdleCount is >= 1 and <= 4);

        var batch = pool.PredictBatch([new Input { Features = [1, 1, 1] }, new Input { Features = [0, 0, 2] }]);
        CollectionAssert.AreEqual(new[] { 111f, 200f }, batch.Select(o => o.Score).ToArray());
    }
}
