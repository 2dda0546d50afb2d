using MLExtensions.Tests.Support;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;

namespace MLExtensions.Tests.Engine;

/// <summary>An MLP on the real digits set (data/digits.csv.gz): accurate, fast and bit-reproducible with a seed.</summary>
[TestClass]
public sealed class MlpDigitsTests
{
    private static (Sequential Model, double Accuracy) Train(ulong seed)
    {
        var (xs, ys) = RepoData.LoadDigits();
        var trainRows = Enumerable.Range(0, xs.Length).Where(i => i % 5 != 0).ToArray();
        var testRows = Enumerable.Range(0, xs.Length).Where(i => i % 5 == 0).ToArray();
        Tensor Features(int[] rows) => Tensor.From(rows.SelectMany(i => xs[i]).ToArray(), rows.Length, 64);
        Tensor Labels(int[] rows) => Tensor.From(rows.Select(i => ys[i]).ToArray());

        torch.ManualSeed(seed);
        using var gen = new Generator(seed);
        var model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
        using var opt = new Adam(model.Parameters(), 3e-3);
        using var xTrain = Features(trainRows).DetachFromDisposeScope();
        using var yTrain = Labels(trainRows).DetachFromDisposeScope();
        for (int epoch = 0; epoch < 30; epoch++)
        {
            using var epochScope = torch.NewDisposeScope();
            var order = torch.Randperm(trainRows.Length, gen);
            foreach (var batch in order.Split(64))
            {
                using var step = torch.NewDisposeScope();
                var loss = Functional.CrossEntropy(model.Forward(xTrain.IndexSelect(0, batch)), yTrain.IndexSelect(0, batch));
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
        }
        model.Eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var predicted = model.Forward(Features(testRows)).Argmax(1);
        double accuracy = predicted.Eq(Labels(testRows)).Float().Mean().Item<float>();
        return (model, accuracy);
    }

    [TestMethod]
    public void ReachesNinetyFivePercentAndIsReproducible()
    {
        var (first, accuracy) = Train(123);
        Assert.IsTrue(accuracy >= 0.95, $"test accuracy {accuracy:P1} < 95%");
        var (second, accuracy2) = Train(123);
        Assert.AreEqual(accuracy, accuracy2);
        var a = first.StateDict();
        var b = second.StateDict();
        CollectionAssert.AreEquivalent(a.Keys.ToArray(), b.Keys.ToArray());
        foreach (var key in a.Keys)
            CollectionAssert.AreEqual(a[key].ToBytes(), b[key].ToBytes(), $"weights '{key}' differ between two seeded runs");
        first.Dispose();
        second.Dispose();
    }
}
