using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Tests.Engine;

/// <summary>Autograd through the boxed dispatcher matches central finite differences (float64).</summary>
[TestClass]
public sealed class GradCheckTests
{
    private static Tensor Rand(Generator g, params long[] shape) => torch.Randn(shape, g, ScalarType.Float64);

    /// <summary>Checks d(sum(f(x) * w))/dx against (f(x+h) - f(x-h)) / 2h for every element of x.</summary>
    private static void Check(string name, Func<Tensor, Tensor> f, Tensor x0, double tol = 1e-5)
    {
        using var scope = torch.NewDisposeScope();
        var x = x0.Clone().Detach().RequiresGrad_();
        var y = f(x);
        using var g = new Generator(7);
        var w = torch.Randn(y.Shape, g, ScalarType.Float64);
        (y * w).Sum().Backward();
        var analytic = x.Grad!.ToArray<double>();

        var data = x0.ToArray<double>();
        var shape = x0.Shape;
        const double h = 1e-6;
        double Eval(double[] values)
        {
            using var inner = torch.NewDisposeScope();
            using var noGrad = torch.NoGrad();
            var t = Tensor.From(values, shape);
            return (f(t) * w).Sum().Item<double>();
        }
        for (int i = 0; i < data.Length; i++)
        {
            var plus = (double[])data.Clone(); plus[i] += h;
            var minus = (double[])data.Clone(); minus[i] -= h;
            double numeric = (Eval(plus) - Eval(minus)) / (2 * h);
            double err = Math.Abs(numeric - analytic[i]);
            Assert.IsTrue(err <= tol * Math.Max(1, Math.Abs(numeric)),
                $"{name}: element {i}: autograd {analytic[i]:G6} vs finite difference {numeric:G6}");
        }
    }

    [TestMethod]
    public void ElementwiseAndMatrixOpsMatchFiniteDifferences()
    {
        using var g = new Generator(1);
        var a = Rand(g, 3, 4);
        var b = Rand(g, 4, 2);
        Check("mul+add", x => x * x + x * 3.0, a);
        Check("div", x => x / (x.Abs() + 1.0), a);
        Check("matmul", x => x.Matmul(b), a);
        Check("exp", x => x.Exp(), a);
        Check("log", x => (x.Abs() + 0.5).Log(), a);
        Check("tanh", x => x.Tanh(), a);
        Check("sigmoid", x => x.Sigmoid(), a);
        Check("gelu", x => x.Gelu(), a);
        Check("sqrt+pow", x => (x.Square() + 1.0).Sqrt().Pow(3.0), a);
    }

    [TestMethod]
    public void ReductionsSoftmaxAndNormalisationMatchFiniteDifferences()
    {
        using var g = new Generator(2);
        var a = Rand(g, 3, 5);
        Check("softmax", x => x.Softmax(1), a);
        Check("log_softmax", x => x.LogSoftmax(-1), a);
        Check("mean(dim)", x => x.Mean(0), a);
        Check("logsumexp", x => x.LogSumExp(1), a);
        Check("layer_norm", x => Functional.LayerNorm(x, [5]), a);
        Check("normalize", x => Functional.Normalize(x, dim: 1), a);
        var other = Rand(g, 2, 5);
        Check("cdist", x => torch.Cdist(x, other), a, 1e-4);
    }

    [TestMethod]
    public void IndexingOpsMatchFiniteDifferences()
    {
        using var g = new Generator(3);
        var a = Rand(g, 4, 3);
        var idx = Tensor.From(new long[] { 2, 0, 2 });
        Check("index_select", x => x.IndexSelect(0, idx), a);
        var gidx = Tensor.From(new long[] { 0, 2, 1, 1, 0, 0, 2, 2 }, 4, 2);
        Check("gather", x => x.Gather(1, gidx), a);
        var sidx = Tensor.From(new long[] { 0, 1, 0, 1, 1, 1 }, 2, 3);
        Check("scatter_add", x => torch.Zeros([2, 3], ScalarType.Float64).ScatterAdd(0, sidx, x.Narrow(0, 0, 2)), a);
        var mask = Tensor.From(new[] { true, false, false, true, false, true, false, false, true, false, false, false }, 4, 3);
        Check("masked_fill", x => x.MaskedFill(mask, 0.0), a);
    }

    [TestMethod]
    public void LossesMatchFiniteDifferences()
    {
        using var g = new Generator(4);
        var logits = Rand(g, 4, 3);
        var target = Tensor.From(new long[] { 0, 2, 1, 2 });
        var weights = Tensor.From(new[] { 1.0, 2.0, 0.5 });
        Check("cross_entropy(smoothing, weights)", x => Functional.CrossEntropy(x, target, weights, labelSmoothing: 0.1), logits);
        var soft = Rand(g, 4, 3).Softmax(1);
        Check("kl_div", x => Functional.KlDiv(x.LogSoftmax(1), soft), logits);
        Check("mse", x => Functional.MseLoss(x, soft), logits);
        Check("bce_with_logits", x => Functional.BinaryCrossEntropyWithLogits(x, soft), logits);
    }

    [TestMethod]
    public void ConvolutionAndPoolingMatchFiniteDifferences()
    {
        using var g = new Generator(5);
        var img = Rand(g, 1, 2, 5, 5);
        var w = Rand(g, 3, 2, 3, 3);
        Check("conv2d", x => Functional.Conv2d(x, w, padding: 1), img, 1e-4);
        Check("max_pool2d", x => Functional.MaxPool2d(x, 2), img);
        Check("adaptive_avg_pool2d", x => Functional.AdaptiveAvgPool2d(x, 1, 1), img);
    }
}
