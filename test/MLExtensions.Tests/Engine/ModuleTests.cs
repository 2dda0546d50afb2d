using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;
using MLExtensions.Torch.Serialization;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class ModuleTests
{
    /// <summary>A module with buffers of every dtype the state-dict round trip must preserve.</summary>
    private sealed class Mixed : Layer
    {
        public Mixed()
        {
            RegisterModule("fc", new Linear(3, 2));
            RegisterModule("bn", new BatchNorm1d(2));
            RegisterParameter("scale", torch.Randn([2], dtype: ScalarType.Float64));
            RegisterBuffer("ids", torch.Randint(-1000, 1000, [4]));
            RegisterBuffer("bytes", torch.Randint(0, 256, [5], dtype: ScalarType.UInt8));
            RegisterBuffer("flags", torch.Rand([6]).Gt(0.5));
            RegisterBuffer("cache", torch.Zeros([3]), persistent: false);
        }

        public override Tensor Forward(Tensor input) => ((BatchNorm1d)GetModule("bn")!).Forward(((Linear)GetModule("fc")!).Forward(input));
    }

    [TestMethod]
    public void StateDictNamesFollowTheModuleTree()
    {
        torch.ManualSeed(1);
        using var model = new Sequential(new Linear(4, 8), new ReLU(), new Sequential(new Linear(8, 2, bias: false)), new BatchNorm1d(2));
        var names = model.StateDict().Keys.ToList();
        CollectionAssert.AreEqual(new[]
        {
            "0.weight", "0.bias", "2.0.weight", "3.weight", "3.bias", "3.running_mean", "3.running_var", "3.num_batches_tracked",
        }, names);
        CollectionAssert.AreEqual(new[] { "0.weight", "0.bias", "2.0.weight", "3.weight", "3.bias" }, model.NamedParameters().Select(p => p.Name).ToList());
        Assert.AreEqual(4 * 8 + 8 + 8 * 2 + 2 + 2, model.ParameterCount());
        Assert.IsTrue(model.Parameters().All(p => p.RequiresGrad));
        Assert.IsFalse(model.NamedBuffers().Any(b => b.Buffer.RequiresGrad));
    }

    [TestMethod]
    public void StateDictRoundTripThroughSafetensorsIsBitExact()
    {
        torch.ManualSeed(2);
        using var source = new Mixed();
        using (var scope = torch.NewDisposeScope())
        {
            using var x = torch.Randn([5, 3]);
            source.Forward(x); // moves the batch-norm statistics away from their initial values
        }
        var state = source.StateDict();
        CollectionAssert.DoesNotContain(state.Keys.ToList(), "cache");
        CollectionAssert.AreEquivalent(new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Int64, ScalarType.UInt8, ScalarType.Bool },
            state.Values.Select(t => t.DType).Distinct().ToList());
        var bytes = Safetensors.Serialize(state, new Dictionary<string, string> { ["format"] = "pt" });

        torch.ManualSeed(99);
        using var target = new Mixed();
        using (var scope = torch.NewDisposeScope())
        {
            var (loaded, _) = Safetensors.Deserialize(bytes);
            target.LoadStateDict(loaded);
        }
        var after = target.StateDict();
        foreach (var (name, t) in state)
        {
            Assert.AreEqual(t.DType, after[name].DType, name);
            CollectionAssert.AreEqual(t.ToBytes(), after[name].ToBytes(), name);
        }
        Assert.AreEqual(1L, after["bn.num_batches_tracked"].Item<long>());
        CollectionAssert.AreEqual(bytes, Safetensors.Serialize(after, new Dictionary<string, string> { ["format"] = "pt" }));
    }

    [TestMethod]
    public void LoadStateDictNamesMissingUnexpectedAndMismatchedKeys()
    {
        torch.ManualSeed(3);
        using var model = new Sequential(new Linear(4, 3), new Linear(3, 2));
        using var scope = torch.NewDisposeScope();
        var state = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        using var before = model.StateDict()["0.weight"].Clone();

        var missing = new Dictionary<string, Tensor>(state);
        missing.Remove("1.bias");
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.LoadStateDict(missing));
        StringAssert.Contains(e.Message, "missing keys: '1.bias'");

        var wrongShape = new Dictionary<string, Tensor>(state) { ["0.weight"] = torch.Zeros([3, 5]) };
        e = Assert.ThrowsExactly<ArgumentException>(() => model.LoadStateDict(wrongShape, strict: false));
        StringAssert.Contains(e.Message, "'0.weight'");
        StringAssert.Contains(e.Message, "[3, 5]");
        StringAssert.Contains(e.Message, "[3, 4]");

        var extra = new Dictionary<string, Tensor>(state) { ["2.weight"] = torch.Zeros([1]) };
        e = Assert.ThrowsExactly<ArgumentException>(() => model.LoadStateDict(extra));
        StringAssert.Contains(e.Message, "unexpected keys: '2.weight'");
        Assert.IsTrue(model.StateDict()["0.weight"].Equal(before), "a failed load changes nothing");

        missing["0.weight"] = torch.Ones([3, 4]);
        var result = model.LoadStateDict(missing, strict: false);
        CollectionAssert.AreEqual(new[] { "1.bias" }, result.MissingKeys.ToList());
        Assert.AreEqual(12.0, model.StateDict()["0.weight"].Sum().Item<float>());
    }

    [TestMethod]
    public void ParametersSurviveTheDisposeScopeTheyWereCreatedIn()
    {
        Linear layer;
        using (torch.NewDisposeScope())
        {
            torch.ManualSeed(4);
            layer = new Linear(3, 3);
        }
        using (layer)
        {
            Assert.IsFalse(layer.Weight.IsDisposed);
            using var scope = torch.NewDisposeScope();
            using var y = layer.Forward(torch.Ones([2, 3]));
            CollectionAssert.AreEqual(new long[] { 2, 3 }, y.Shape);
        }
        Assert.IsTrue(layer.Weight.IsDisposed);
    }

    [TestMethod]
    public void LinearInitIsSeededAndBoundedLikeTorch()
    {
        torch.ManualSeed(5);
        using var a = new Linear(16, 8);
        torch.ManualSeed(5);
        using var b = new Linear(16, 8);
        Assert.IsTrue(a.Weight.Equal(b.Weight));
        Assert.IsTrue(a.Bias!.Equal(b.Bias!));
        double bound = 1.0 / Math.Sqrt(16);
        foreach (var p in new[] { a.Weight, a.Bias })
        {
            var values = p.ToArray<float>();
            Assert.IsTrue(values.All(v => Math.Abs(v) <= bound), "within ±1/sqrt(in)");
            Assert.IsTrue(values.Max() > bound / 2 && values.Min() < -bound / 2, "spread over the range");
        }
    }

    [TestMethod]
    public void ToConvertsDtypeAndKeepsRequiresGradAndTrainingMode()
    {
        torch.ManualSeed(6);
        using var model = new Sequential(new Linear(2, 2), new BatchNorm1d(2), new Dropout(0.3));
        model.Eval();
        Assert.IsFalse(model[2].IsTraining);
        model.To(ScalarType.Float64);
        Assert.IsTrue(model.Parameters().All(p => p.DType == ScalarType.Float64 && p.RequiresGrad));
        Assert.AreEqual(ScalarType.Int64, model.StateDict()["1.num_batches_tracked"].DType);
        Assert.AreEqual(ScalarType.Float64, ((Linear)model[0]).Weight.DType, "typed accessors see the converted tensors");
        model.To(Device.CPU);
        model.Train();
        Assert.IsTrue(model[2].IsTraining && model.IsTraining);
    }

    [TestMethod]
    public void BatchNormUpdatesRunningStatsInTrainingAndUsesThemInEval()
    {
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNorm1d(2, momentum: 0.1);
        var data = new float[] { 1, 10, 2, 20, 3, 30, 6, 40 };
        var x = Tensor.From(data, 4, 2);
        var y = bn.Forward(x);

        double[] mean = { 3, 25 };
        double[] varUnbiased = { (4 + 1 + 0 + 9) / 3.0, (225 + 25 + 25 + 225) / 3.0 };
        double[] varBiased = { (4 + 1 + 0 + 9) / 4.0, (225 + 25 + 25 + 225) / 4.0 };
        var rm = bn.RunningMean!.ToArray<float>();
        var rv = bn.RunningVar!.ToArray<float>();
        for (int c = 0; c < 2; c++)
        {
            Assert.AreEqual(0.1 * mean[c], rm[c], 1e-5);
            Assert.AreEqual(0.9 + 0.1 * varUnbiased[c], rv[c], 1e-4);
        }
        Assert.AreEqual(1L, bn.NumBatchesTracked!.Item<long>());
        var yt = y.ToArray<float>();
        Assert.AreEqual((1 - 3) / Math.Sqrt(varBiased[0] + 1e-5), yt[0], 1e-5, "training normalises with batch statistics");

        bn.Eval();
        var ye = bn.Forward(x).ToArray<float>();
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 2; c++)
                Assert.AreEqual((data[i * 2 + c] - rm[c]) / Math.Sqrt(rv[c] + 1e-5), ye[i * 2 + c], 1e-4);
        Assert.AreEqual(1L, bn.NumBatchesTracked!.Item<long>(), "evaluation does not count batches");
        CollectionAssert.AreEqual(rm, bn.RunningMean!.ToArray<float>(), "evaluation leaves the statistics alone");

        using var cumulative = new BatchNorm2d(1, momentum: null);
        cumulative.Forward(torch.Full([2, 1, 2, 2], 4.0));
        cumulative.Forward(torch.Full([2, 1, 2, 2], 8.0));
        Assert.AreEqual(6.0f, cumulative.RunningMean!.Item<float>(), 1e-5f, "cumulative average with momentum null");
        Assert.ThrowsExactly<ArgumentException>(() => cumulative.Forward(torch.Zeros([2, 1, 3])));
    }

    [TestMethod]
    public void LinearRegressionConvergesWithSgd()
    {
        torch.ManualSeed(7);
        using var scope = torch.NewDisposeScope();
        var x = torch.Randn([64, 3]);
        var trueW = Tensor.From(new float[] { 2f, -3f, 0.5f }, 3, 1);
        var y = x.Matmul(trueW) + 1.25;
        using var model = new Linear(3, 1);
        using var opt = new SGD(model.Parameters(), learningRate: 0.1, momentum: 0.9);
        double loss = double.NaN;
        for (int step = 0; step < 200; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            opt.ZeroGrad();
            var l = Functional.MseLoss(model.Forward(x), y);
            l.Backward();
            opt.Step();
            loss = l.Item<float>();
        }
        Assert.IsLessThan(1e-6, loss);
        var w = model.Weight.ToArray<float>();
        Assert.AreEqual(2.0, w[0], 1e-3);
        Assert.AreEqual(-3.0, w[1], 1e-3);
        Assert.AreEqual(0.5, w[2], 1e-3);
        Assert.AreEqual(1.25, model.Bias!.Item<float>(), 1e-3);
    }

    [TestMethod]
    public void ConvPoolFlattenStackComputesShapes()
    {
        torch.ManualSeed(8);
        using var scope = torch.NewDisposeScope();
        using var net = new Sequential
        {
            new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3), new GELU(), new Tanh(), new Sigmoid(), new Identity(),
        };
        var x = torch.Randn([2, 1, 8, 8]);
        var y = net.Forward(x);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, y.Shape);
        Assert.IsFalse(x.IsDisposed, "the input stays with the caller");
        y.Sum().Backward();
        using var g = ((Conv2d)net[0]).Weight.Grad;
        Assert.IsNotNull(g);
        Assert.AreEqual(10, net.Count);
        StringAssert.Contains(net.ToString(), "(0): Conv2d(1, 4, kernel_size=3");
    }

    [TestMethod]
    public void DropoutIsActiveOnlyInTraining()
    {
        torch.ManualSeed(9);
        using var scope = torch.NewDisposeScope();
        using var dropout = new Dropout(0.5);
        var x = torch.Ones([1000]);
        var train = dropout.Forward(x).ToArray<float>();
        Assert.IsTrue(train.All(v => v == 0f || v == 2f));
        int zeros = train.Count(v => v == 0f);
        Assert.IsTrue(zeros is > 400 and < 600, $"about half dropped, got {zeros}");
        dropout.Eval();
        Assert.IsTrue(dropout.Forward(x).Equal(x));
    }

    [TestMethod]
    public void EmbeddingPaddingRowIsZeroAndGetsNoGradient()
    {
        torch.ManualSeed(10);
        using var scope = torch.NewDisposeScope();
        using var emb = new Embedding(5, 3, paddingIdx: 0);
        CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, emb.Weight.Select(0, 0).ToArray<float>());
        var idx = Tensor.From(new long[] { 0, 2, 0, 4 }, 2, 2);
        var y = emb.Forward(idx);
        CollectionAssert.AreEqual(new long[] { 2, 2, 3 }, y.Shape);
        y.Sum().Backward();
        var g = emb.Weight.Grad!;
        CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, g.Select(0, 0).ToArray<float>());
        CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, g.Select(0, 2).ToArray<float>());
    }

    [TestMethod]
    public void LayerNormNormalisesTheLastDimension()
    {
        using var scope = torch.NewDisposeScope();
        using var ln = new LayerNorm(4);
        var y = ln.Forward(Tensor.From(new float[] { 1, 2, 3, 4, 10, 10, 10, 14 }, 2, 4));
        var mean = y.Mean(-1).ToArray<float>();
        var v = y.Var(-1, unbiased: false).ToArray<float>();
        for (int r = 0; r < 2; r++)
        {
            Assert.AreEqual(0, mean[r], 1e-5);
            Assert.AreEqual(1, v[r], 1e-3);
        }
        CollectionAssert.AreEqual(new[] { "weight", "bias" }, ln.StateDict().Keys.ToList());
    }

    [TestMethod]
    public void MultiheadAttentionMatchesAReferenceComputation()
    {
        torch.ManualSeed(11);
        using var scope = torch.NewDisposeScope();
        const int B = 2, T = 3, S = 4, E = 6, H = 2, D = E / H;
        using var mha = new MultiheadAttention(E, H);
        using (torch.NoGrad()) mha.InProjBias!.Normal_();
        CollectionAssert.AreEqual(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, mha.StateDict().Keys.ToList());
        var q = torch.Randn([B, T, E]);
        var kv = torch.Randn([B, S, E]);
        var (output, weights) = mha.Forward(q, kv, kv, needWeights: true);
        CollectionAssert.AreEqual(new long[] { B, T, E }, output.Shape);
        CollectionAssert.AreEqual(new long[] { B, T, S }, weights!.Shape);

        // Reference: per batch and head, with plain matrix products.
        var w = mha.InProjWeight; var bias = mha.InProjBias!;
        var heads = new List<Tensor>();
        var attn = new List<Tensor>();
        for (int b = 0; b < B; b++)
        {
            var perHead = new List<Tensor>();
            var weightSum = torch.Zeros([T, S]);
            for (int h = 0; h < H; h++)
            {
                Tensor Proj(Tensor x, int which) =>
                    x.Select(0, b).Matmul(w.Narrow(0, which * E + h * D, D).T()) + bias.Narrow(0, which * E + h * D, D);
                var qh = Proj(q, 0); var kh = Proj(kv, 1); var vh = Proj(kv, 2);
                var a = (qh.Matmul(kh.T()) / Math.Sqrt(D)).Softmax(-1);
                weightSum = weightSum + a;
                perHead.Add(a.Matmul(vh));
            }
            heads.Add(torch.Cat(perHead, 1));
            attn.Add(weightSum / H);
        }
        var expected = Functional.Linear(torch.Stack(heads), mha.OutProj.Weight, mha.OutProj.Bias);
        Assert.IsTrue(output.AllClose(expected, 1e-4, 1e-5));
        Assert.IsTrue(weights.AllClose(torch.Stack(attn), 1e-4, 1e-6));
    }

    [TestMethod]
    public void KeyPaddingMaskIgnoresMaskedKeys()
    {
        torch.ManualSeed(12);
        using var scope = torch.NewDisposeScope();
        using var mha = new MultiheadAttention(8, 2);
        var q = torch.Randn([2, 3, 8]);
        var kv = torch.Randn([2, 5, 8]);
        var mask = Tensor.From(new[] { false, false, false, true, true, false, true, false, false, false }, 2, 5);
        var (out1, w1) = mha.Forward(q, kv, kv, keyPaddingMask: mask);

        var changed = kv.Clone();
        using (torch.NoGrad())
        {
            changed.Select(0, 0).Select(0, 3).Fill_(100);
            changed.Select(0, 0).Select(0, 4).Normal_();
            changed.Select(0, 1).Select(0, 1).Fill_(-50);
        }
        var (out2, _) = mha.Forward(q, changed, changed, keyPaddingMask: mask);
        Assert.IsTrue(out1.AllClose(out2, 1e-5, 1e-6), "masked keys do not influence the output");
        var weights = w1!.ToArray<float>();
        for (int t = 0; t < 3; t++)
        {
            Assert.AreEqual(0f, weights[(0 * 3 + t) * 5 + 3]);
            Assert.AreEqual(0f, weights[(0 * 3 + t) * 5 + 4]);
            Assert.AreEqual(0f, weights[(1 * 3 + t) * 5 + 1]);
        }

        var (out3, _) = mha.Forward(q, changed, changed);
        Assert.IsFalse(out1.AllClose(out3, 1e-3, 1e-3), "without the mask the change is visible");

        // A causal bool attention mask: position 0 attends only to key 0.
        var causal = torch.Ones([3, 3], ScalarType.Bool).Triu(1);
        var x = torch.Randn([1, 3, 8]);
        var (_, wc) = mha.Forward(x, x, x, attnMask: causal);
        var wcv = wc!.ToArray<float>();
        Assert.AreEqual(1f, wcv[0], 1e-6f);
        Assert.AreEqual(0f, wcv[1]);
        Assert.AreEqual(0f, wcv[2]);
    }

    [TestMethod]
    public void TransformerEncoderLayerTrainsEveryParameter()
    {
        torch.ManualSeed(13);
        using var scope = torch.NewDisposeScope();
        using var layer = new TransformerEncoderLayer(dModel: 8, nHead: 2, dimFeedforward: 16, dropout: 0.1);
        CollectionAssert.IsSubsetOf(new[] { "self_attn.in_proj_weight", "linear1.weight", "linear2.bias", "norm1.weight", "norm2.bias" },
            layer.StateDict().Keys.ToList());
        var x = torch.Randn([2, 5, 8]);
        var mask = Tensor.From(new[] { false, false, false, false, true, false, false, false, false, false }, 2, 5);
        var y = layer.Forward(x, mask);
        CollectionAssert.AreEqual(new long[] { 2, 5, 8 }, y.Shape);
        y.Square().Mean().Backward();
        foreach (var (name, p) in layer.NamedParameters())
        {
            using var g = p.Grad;
            Assert.IsNotNull(g, name);
            Assert.IsTrue(g.Abs().Sum().Item<float>() > 0, $"{name} has a non-zero gradient");
        }

        layer.Eval();
        var e1 = layer.Forward(x, mask);
        var e2 = layer.Forward(x, mask);
        Assert.IsTrue(e1.Equal(e2), "evaluation is deterministic");

        using var post = new TransformerEncoderLayer(8, 2, 16, 0.0, TransformerActivation.Relu, normFirst: false);
        var yp = post.Forward(x);
        var rowMean = yp.Mean(-1).Abs().Max().Item<float>();
        Assert.IsLessThan(1e-5f, rowMean, "post-norm output is layer-normalised");

        using var encoder = new TransformerEncoder(2, () => new TransformerEncoderLayer(8, 2, 16, 0.0), new LayerNorm(8));
        CollectionAssert.Contains(encoder.StateDict().Keys.ToList(), "layers.1.self_attn.out_proj.weight");
        CollectionAssert.Contains(encoder.StateDict().Keys.ToList(), "norm.weight");
        CollectionAssert.AreEqual(new long[] { 2, 5, 8 }, encoder.Forward(x, mask).Shape);
    }
}
