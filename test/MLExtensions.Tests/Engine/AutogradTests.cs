using MLExtensions.Torch;

namespace MLExtensions.Tests.Engine;

[TestClass]
public sealed class AutogradTests
{
    [TestMethod]
    public void GradReturnsGradientsWithoutAccumulating()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = (x * x * x).Sum();                         // dy/dx = 3x²
        var g = Autograd.Grad([y], [x])[0]!;
        CollectionAssert.AreEqual(new double[] { 3, 12, 27 }, g.ToArray<double>());
        Assert.IsNull(x.Grad);
    }

    [TestMethod]
    public void CreateGraphGivesSecondDerivatives()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1, 2, 3 }).RequiresGrad_();
        var y = (x * x * x).Sum();
        var g = Autograd.Grad([y], [x], createGraph: true)[0]!;
        var h = Autograd.Grad([g.Sum()], [x])[0]!;        // d²y/dx² = 6x
        CollectionAssert.AreEqual(new double[] { 6, 12, 18 }, h.ToArray<double>());
    }

    [TestMethod]
    public void UnusedInputIsNullOnlyWhenAllowed()
    {
        using var scope = torch.NewDisposeScope();
        var x = Tensor.From(new double[] { 1 }).RequiresGrad_();
        var unused = Tensor.From(new double[] { 1 }).RequiresGrad_();
        Assert.ThrowsExactly<TorchException>(() => Autograd.Grad([(x * 2.0).Sum()], [x, unused], retainGraph: true));
        var grads = Autograd.Grad([(x * 2.0).Sum()], [x, unused], allowUnused: true);
        Assert.IsNull(grads[1]);
    }
}
