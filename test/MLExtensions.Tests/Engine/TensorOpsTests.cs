using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Tests.Engine;

/// <summary>Values of ops called through the generic dispatcher, checked against hand-computed results.</summary>
[TestClass]
public sealed class TensorOpsTests
{
    [TestMethod]
    public void SplitIntoManyPiecesReturnsEveryPiece()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.Arange(40);
        var parts = x.Split(1);
        Assert.HasCount(40, parts);
        for (int i = 0; i < 40; i++) Assert.AreEqual(i, parts[i].Item<long>());
    }

    [TestMethod]
    public void NamedAndDefaultArgumentsReachTheOperator()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        CollectionAssert.AreEqual(new long[] { 2, 1 }, x.Sum(1, keepDim: true).Shape);
        CollectionAssert.AreEqual(new float[] { 6, 15 }, x.Sum(1).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 3, 6, 9, 12, 15, 18 }, x.Add(x, alpha: 2).ToArray<float>());
        var (values, indices) = x.TopK(2, dim: 1);
        CollectionAssert.AreEqual(new float[] { 3, 2, 6, 5 }, values.ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 2, 1, 2, 1 }, indices.ToArray<long>());
        Assert.AreEqual(ScalarType.Int64, (torch.Arange(3) + 1L).DType);
        Assert.AreEqual(ScalarType.Float32, (torch.Arange(3) + 0.5).DType);
    }

    [TestMethod]
    public void LossesEqualHandComputedValues()
    {
        using var scope = torch.NewDisposeScope();
        var logits = Tensor.From(new float[] { 2, 0, 0, 0, 1, 0 }, 2, 3);
        var target = Tensor.From(new long[] { 0, 2 });
        double Lse(params double[] v) => Math.Log(v.Sum(Math.Exp));
        double ce0 = Lse(2, 0, 0) - 2, ce1 = Lse(0, 1, 0) - 0;
        Assert.AreEqual((ce0 + ce1) / 2, Functional.CrossEntropy(logits, target).Item<float>(), 1e-5);

        // label smoothing 0.1 over 3 classes: (1 - 0.1) * nll + 0.1 * mean over classes of -log p
        double Smooth(double[] z, int y) { var l = Lse(z); return 0.9 * (l - z[y]) + 0.1 * z.Average(v => l - v); }
        double expected = (Smooth([2, 0, 0], 0) + Smooth([0, 1, 0], 2)) / 2;
        Assert.AreEqual(expected, Functional.CrossEntropy(logits, target, labelSmoothing: 0.1).Item<float>(), 1e-5);

        // class weights: weighted mean = sum w_y * nll / sum w_y
        var w = Tensor.From(new float[] { 2, 1, 0.5f });
        Assert.AreEqual((2 * ce0 + 0.5 * ce1) / 2.5, Functional.CrossEntropy(logits, target, w).Item<float>(), 1e-5);

        // KL(p || q) per sample (batchmean)
        var p = Tensor.From(new float[] { 0.5f, 0.5f, 0.9f, 0.1f }, 2, 2);
        var q = Tensor.From(new float[] { 0.25f, 0.75f, 0.5f, 0.5f }, 2, 2);
        double kl = (0.5 * Math.Log(0.5 / 0.25) + 0.5 * Math.Log(0.5 / 0.75) + 0.9 * Math.Log(0.9 / 0.5) + 0.1 * Math.Log(0.1 / 0.5)) / 2;
        Assert.AreEqual(kl, Functional.KlDiv(q.Log(), p).Item<float>(), 1e-5);
    }

    [TestMethod]
    public void IndexingAndSelectionOps()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.From(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        CollectionAssert.AreEqual(new float[] { 5, 6, 1, 2 }, x.IndexSelect(0, Tensor.From(new long[] { 2, 0 })).ToArray<float>());
        var mask = x.Gt(3.5);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 0, 0, 0 }, x.MaskedFill(mask, 0).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 9, 12 }, torch.Zeros([2]).IndexAdd(0, Tensor.From(new long[] { 0, 1, 0, 1, 0, 1 }), x.Flatten()).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 3, 4 }, x.Select(0, 1).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 2, 4, 6 }, x.Index(null, Tensor.From(new long[] { 1 })).Flatten().ToArray<float>());
        var (sorted, order) = Tensor.From(new float[] { 3, 1, 2 }).Sort(descending: true);
        CollectionAssert.AreEqual(new long[] { 0, 2, 1 }, order.ToArray<long>());
        CollectionAssert.AreEqual(new float[] { 0, 5, 5 }, Functional.Cdist(Tensor.From(new float[] { 0, 0 }, 1, 2), Tensor.From(new float[] { 0, 0, 3, 4, -4, 3 }, 3, 2)).Flatten().ToArray<float>());
    }
}
