using MLExtensions.Torch;
using MLExtensions.Torch.Optim;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class OptimizerTests
{
    private static readonly double[] P0 = { 0.5, -1.25, 2.0 };
    private static readonly double[][] Grads =
    {
        new[] { 0.1, -0.4, 0.3 },
        new[] { -0.2, 0.05, 0.6 },
        new[] { 0.7, -0.1, -0.3 },
    };

    /// <summary>A float64 parameter driven by the fixed gradient sequence; returns its values after each step.</summary>
    private static List<double[]> Run(Func<Tensor, Optimizer> create, int steps)
    {
        using var p = Tensor.From((double[])P0.Clone()).RequiresGrad_();
        using var opt = create(p);
        var history = new List<double[]>();
        for (int s = 0; s < steps; s++)
        {
            using var scope = torch.NewDisposeScope();
            opt.ZeroGrad();
            p.Grad = Tensor.From((double[])Grads[s].Clone());
            opt.Step();
            history.Add(p.ToArray<double>());
        }
        Assert.IsTrue(p.RequiresGrad, "updates keep the parameter trainable");
        return history;
    }

    private static void AssertClose(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], tol, $"element {i}");
    }

    [TestMethod]
    public void SgdMatchesTheUpdateRule()
    {
        const double lr = 0.1, mom = 0.9, damp = 0.2, wd = 0.01;
        foreach (var nesterov in new[] { false, true })
        {
            double d = nesterov ? 0 : damp;
            var got = Run(p => new SGD([p], lr, mom, d, wd, nesterov), 3);
            var x = (double[])P0.Clone();
            var buf = new double[3];
            for (int s = 0; s < 3; s++)
            {
                for (int i = 0; i < 3; i++)
                {
                    double g = Grads[s][i] + wd * x[i];
                    buf[i] = s == 0 ? g : mom * buf[i] + (1 - d) * g;
                    double step = nesterov ? g + mom * buf[i] : buf[i];
                    x[i] -= lr * step;
                }
                AssertClose(x, got[s]);
            }
        }

        var plain = Run(p => new SGD([p], 0.5), 1);
        AssertClose(P0.Select((v, i) => v - 0.5 * Grads[0][i]).ToArray(), plain[0]);
    }

    private static List<double[]> AdamReference(double lr, double b1, double b2, double eps, double wd, bool decoupled, bool amsgrad, int steps)
    {
        var x = (double[])P0.Clone();
        var m = new double[3];
        var v = new double[3];
        var vmax = new double[3];
        var result = new List<double[]>();
        for (int t = 1; t <= steps; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                double g = Grads[t - 1][i];
                if (decoupled) x[i] *= 1 - lr * wd;
                else g += wd * x[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                vmax[i] = Math.Max(vmax[i], v[i]);
                double mHat = m[i] / (1 - Math.Pow(b1, t));
                double vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(b2, t));
                x[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            result.Add((double[])x.Clone());
        }
        return result;
    }

    [TestMethod]
    public void AdamMatchesTheUpdateRule()
    {
        var got = Run(p => new Adam([p], learningRate: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1), 3);
        var expected = AdamReference(0.01, 0.8, 0.95, 1e-6, 0.1, decoupled: false, amsgrad: false, 3);
        for (int s = 0; s < 3; s++) AssertClose(expected[s], got[s]);

        var ams = Run(p => new Adam([p], learningRate: 0.05, amsgrad: true), 3);
        var amsExpected = AdamReference(0.05, 0.9, 0.999, 1e-8, 0, decoupled: false, amsgrad: true, 3);
        for (int s = 0; s < 3; s++) AssertClose(amsExpected[s], ams[s]);

        // The first Adam step moves every coordinate by about lr, whatever the gradient's scale.
        var first = Run(p => new Adam([p], learningRate: 0.01), 1)[0];
        for (int i = 0; i < 3; i++) Assert.AreEqual(0.01, Math.Abs(first[i] - P0[i]), 1e-7);
    }

    [TestMethod]
    public void AdamWDecouplesWeightDecay()
    {
        var got = Run(p => new AdamW([p], learningRate: 0.01, weightDecay: 0.5), 3);
        var expected = AdamReference(0.01, 0.9, 0.999, 1e-8, 0.5, decoupled: true, amsgrad: false, 3);
        for (int s = 0; s < 3; s++) AssertClose(expected[s], got[s]);

        var adam = Run(p => new Adam([p], learningRate: 0.01, weightDecay: 0.5), 1)[0];
        Assert.AreNotEqual(adam[0], got[0][0], "L2 and decoupled decay give different updates");
    }

    [TestMethod]
    public void ParametersWithoutGradientsAreSkippedAndStateStaysOutOfScopes()
    {
        using var a = Tensor.From(new[] { 1.0f, 2.0f }).RequiresGrad_();
        using var b = Tensor.From(new[] { 3.0f }).RequiresGrad_();
        using var opt = new Adam([a, b], learningRate: 0.1);
        for (int i = 0; i < 2; i++)
        {
            using var scope = torch.NewDisposeScope();
            opt.ZeroGrad();
            a.Square().Sum().Backward();
            opt.Step();
        }
        CollectionAssert.AreEqual(new[] { 3.0f }, b.ToArray<float>());
        Assert.IsNull(opt.GetState(b));
        var state = opt.GetState(a)!;
        Assert.AreEqual(2L, state.Step);
        Assert.IsFalse(state.Get("exp_avg")!.IsDisposed, "state survives the step scopes");
        Assert.AreEqual(2L, opt.StepCount);
    }

    [TestMethod]
    public void ParamGroupsHaveTheirOwnLearningRateAndDecay()
    {
        using var a = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        using var b = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        using var opt = new SGD([new ParamGroup([a]), new ParamGroup([b], learningRate: 0.5, weightDecay: 1.0)], learningRate: 0.1);
        using (torch.NewDisposeScope())
        {
            a.Grad = Tensor.From(new[] { 1.0 });
            b.Grad = Tensor.From(new[] { 1.0 });
            opt.Step();
        }
        Assert.AreEqual(0.9, a.Item<double>(), 1e-12);
        Assert.AreEqual(1.0 - 0.5 * 2.0, b.Item<double>(), 1e-12);
        opt.LearningRate = 0.01;
        Assert.IsTrue(opt.ParamGroups.All(g => g.LearningRate == 0.01));
        Assert.ThrowsExactly<ArgumentException>(() => new SGD([a, a], 0.1));
    }

    [TestMethod]
    public void ClipGradNormScalesGradientsToTheBound()
    {
        using var scope = torch.NewDisposeScope();
        var a = Tensor.From(new[] { 3.0f, 0.0f }).RequiresGrad_();
        var b = Tensor.From(new[] { 4.0f }).RequiresGrad_();
        var none = Tensor.From(new[] { 1.0f }).RequiresGrad_();
        a.Grad = Tensor.From(new[] { 3.0f, 0.0f });
        b.Grad = Tensor.From(new[] { 4.0f });

        double total = GradClipping.ClipGradNorm([a, b, none], maxNorm: 1.0);
        Assert.AreEqual(5.0, total, 1e-6);
        double scale = 1.0 / (5.0 + 1e-6);
        var ga = a.Grad!.ToArray<float>();
        var gb = b.Grad!.ToArray<float>();
        Assert.AreEqual(3 * scale, ga[0], 1e-6);
        Assert.AreEqual(4 * scale, gb[0], 1e-6);
        Assert.AreEqual(1.0, Math.Sqrt(ga[0] * ga[0] + gb[0] * gb[0]), 1e-5);

        double again = GradClipping.ClipGradNorm([a, b], maxNorm: 10.0);
        Assert.AreEqual(1.0, again, 1e-5);
        Assert.AreEqual(4 * scale, b.Grad!.Item<float>(), 1e-6, "below the bound nothing changes");

        Assert.AreEqual(4 * scale, GradClipping.ClipGradNorm([a, b], 10.0, normType: double.PositiveInfinity), 1e-6);
        Assert.AreEqual(0.0, GradClipping.ClipGradNorm([none], 1.0));
    }

    [TestMethod]
    public void CosineWithWarmupFollowsTheFormula()
    {
        using var p = Tensor.From(new[] { 1.0f }).RequiresGrad_();
        using var opt = new AdamW([p], learningRate: 1e-3);
        const int warmup = 4, total = 20;
        const double min = 1e-5, baseLr = 1e-3;
        var sched = new CosineWithWarmup(opt, warmup, total, min);
        double Expected(int s) => s < warmup
            ? baseLr * (s + 1) / warmup
            : min + (baseLr - min) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (s - warmup) / (double)(total - warmup))));

        Assert.AreEqual(baseLr / 4, opt.LearningRate, 1e-15, "step 0 is applied at construction");
        var seen = new Dictionary<int, double> { [0] = opt.LearningRate };
        for (int s = 1; s <= 25; s++)
        {
            sched.Step();
            seen[s] = opt.LearningRate;
        }
        foreach (int s in new[] { 0, 1, 3, 4, 9, 12, 19, 20, 25 }) Assert.AreEqual(Expected(s), seen[s], 1e-15, $"step {s}");
        Assert.AreEqual(baseLr, seen[3], 1e-15);
        Assert.AreEqual(baseLr, seen[4], 1e-15);
        Assert.AreEqual((baseLr + min) / 2, seen[12], 1e-15, "half way through the decay");
        Assert.AreEqual(min, seen[20], 1e-15);
        Assert.AreEqual(min, seen[25], 1e-15);
    }

    [TestMethod]
    public void StepLrDecaysEveryNSteps()
    {
        using var p = Tensor.From(new[] { 1.0f }).RequiresGrad_();
        using var opt = new SGD([new ParamGroup([p]), new ParamGroup([], learningRate: 1.0)], learningRate: 0.1);
        var sched = new StepLR(opt, stepSize: 3, gamma: 0.5);
        var lrs = new List<double> { opt.LearningRate };
        for (int i = 0; i < 7; i++) { sched.Step(); lrs.Add(opt.LearningRate); }
        CollectionAssert.AreEqual(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025 }, lrs);
        Assert.AreEqual(0.25, opt.ParamGroups[1].LearningRate, 1e-15, "each group scales from its own base");
    }

    [TestMethod]
    public void OptimizerStateRoundTripsThroughSafetensors()
    {
        static (Tensor A, Tensor B) Params() =>
            (Tensor.From(new[] { 1.0f, -2.0f, 0.5f }).RequiresGrad_().DetachFromDisposeScope(),
             Tensor.From(new[] { 3.0f }).RequiresGrad_().DetachFromDisposeScope());
        static void Train(Optimizer opt, Tensor a, Tensor b, int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                opt.ZeroGrad();
                ((a * b).Square().Sum() + a.Sum()).Backward();
                opt.Step();
            }
        }

        var (a1, b1) = Params();
        var (a2, b2) = Params();
        using (a1) using (b1) using (a2) using (b2)
        {
            using var reference = new AdamW([a1, b1], learningRate: 0.05, amsgrad: true);
            Train(reference, a1, b1, 5);

            using var first = new AdamW([a2, b2], learningRate: 0.05, amsgrad: true);
            Train(first, a2, b2, 3);
            var (tensors, meta) = first.StateDict();
            Assert.IsTrue(tensors.ContainsKey("state.0.exp_avg") && tensors.ContainsKey("state.1.max_exp_avg_sq"));
            var bytes = MLExtensions.Torch.Serialization.Safetensors.Serialize(tensors, meta);

            using var resumed = new AdamW([a2, b2], learningRate: 1.0, amsgrad: true);
            using (torch.NewDisposeScope())
            {
                var (lt, lm) = MLExtensions.Torch.Serialization.Safetensors.Deserialize(bytes);
                resumed.LoadStateDict(lt, lm);
            }
            Assert.AreEqual(0.05, resumed.LearningRate);
            Assert.AreEqual(3L, resumed.StepCount);
            Train(resumed, a2, b2, 2);
            CollectionAssert.AreEqual(a1.ToArray<float>(), a2.ToArray<float>(), "resuming gives the same trajectory");
            CollectionAssert.AreEqual(b1.ToArray<float>(), b2.ToArray<float>());

            using var sgd = new SGD([a2, b2], 0.1);
            var e = Assert.ThrowsExactly<ArgumentException>(() => sgd.LoadStateDict(tensors, meta));
            StringAssert.Contains(e.Message, "AdamW");
        }
    }
}
