using System.Diagnostics;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class DisposeScopeTests
{
    [TestMethod]
    public void ScopeFreesTemporariesAndKeepsMovedResults()
    {
        Tensor kept, temp;
        using (var scope = torch.NewDisposeScope())
        {
            temp = torch.Ones([3]) * 2.0;
            kept = (temp + 1.0).MoveToOuterDisposeScope();
            Assert.IsTrue(scope.Count >= 2);
        }
        Assert.IsTrue(temp.IsDisposed);
        Assert.IsFalse(kept.IsDisposed);
        CollectionAssert.AreEqual(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
    }

    [TestMethod]
    public void NestedScopesMoveOneLevelOut()
    {
        using var outer = torch.NewDisposeScope();
        Tensor moved;
        using (torch.NewDisposeScope()) moved = torch.Zeros([1]).MoveToOuterDisposeScope();
        Assert.IsFalse(moved.IsDisposed);
        outer.Dispose();
        Assert.IsTrue(moved.IsDisposed);
    }

    /// <summary>5,000 training steps (forward, backward, SGD update) keep native memory flat.</summary>
    [TestMethod]
    public void TrainingLoopKeepsNativeMemoryFlat()
    {
        torch.ManualSeed(11);
        var w1 = (torch.Randn([64, 32]) * 0.1).DetachFromDisposeScope().RequiresGrad_();
        var w2 = (torch.Randn([10, 64]) * 0.1).DetachFromDisposeScope().RequiresGrad_();
        var x = torch.Randn([32, 32]).DetachFromDisposeScope();
        var y = torch.Randint(0, 10, [32]).DetachFromDisposeScope();
        long rssAfterWarmup = 0;
        for (int step = 0; step < 5000; step++)
        {
            using (torch.NewDisposeScope())
            {
                var h = Functional.Linear(x, w1).Relu();
                var loss = Functional.CrossEntropy(Functional.Linear(h, w2), y);
                loss.Backward();
                using (torch.NoGrad())
                {
                    foreach (var w in new[] { w1, w2 })
                    {
                        var g = w.Grad!;
                        w.Sub_(g, 0.01);
                        w.ZeroGrad();
                    }
                }
            }
            if (step == 500)
            {
                GC.Collect();
                rssAfterWarmup = CurrentRss();
            }
        }
        GC.Collect();
        long growth = CurrentRss() - rssAfterWarmup;
        Assert.IsTrue(growth < 20L << 20, $"RSS grew by {growth >> 20} MiB over 4,500 steps");
        foreach (var t in new[] { w1, w2, x, y }) t.Dispose();
    }

    private static long CurrentRss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }
}
