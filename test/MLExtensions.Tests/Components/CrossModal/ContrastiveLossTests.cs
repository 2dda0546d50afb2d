using MLExtensions.Components.CrossModal;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class ContrastiveLossTests
{
    [TestMethod]
    public void InfoNceEqualsTheHandComputedValue()
    {
        // Scale 10: logits = 10 · I·Tᵀ = [[6, 10], [8, 0]].
        using var images = torch.Tensor(new float[] { 1, 0, 0, 1 }, 2, 2);
        using var texts = torch.Tensor(new float[] { 0.6f, 0.8f, 1, 0 }, 2, 2);
        using var logScale = torch.Scalar(Math.Log(10));
        using var loss = ContrastiveLoss.SymmetricInfoNce(images, texts, logScale);
        double rows = ((Math.Log(Math.Exp(6) + Math.Exp(10)) - 6) + (Math.Log(Math.Exp(8) + Math.Exp(0)) - 0)) / 2;
        double cols = ((Math.Log(Math.Exp(6) + Math.Exp(8)) - 6) + (Math.Log(Math.Exp(10) + Math.Exp(0)) - 0)) / 2;
        Assert.AreEqual((rows + cols) / 2, loss.Item<float>(), 1e-4);
    }

    [TestMethod]
    public void PerfectMatchAtInitialTemperature()
    {
        using var eye = torch.Eye(2);
        using var logScale = torch.Scalar(ContrastiveLoss.InitialLogScale);
        using var loss = ContrastiveLoss.SymmetricInfoNce(eye, eye, logScale);
        Assert.AreEqual(Math.Log(1 + Math.Exp(-1 / 0.07)), loss.Item<float>(), 1e-6);
    }

    [TestMethod]
    public void LogitScaleIsClampedAtOneHundred()
    {
        using var big = torch.Scalar(Math.Log(1000));
        using var scale = ContrastiveLoss.Scale(big);
        Assert.AreEqual(100, scale.Item<float>(), 1e-3);
        using var a = torch.Tensor(new float[] { 1, 0, 0.6f, 0.8f }, 2, 2);
        using var b = torch.Tensor(new float[] { 0.8f, 0.6f, 0, 1 }, 2, 2);
        using var hundred = torch.Scalar(Math.Log(100));
        using var l1 = ContrastiveLoss.SymmetricInfoNce(a, b, big);
        using var l2 = ContrastiveLoss.SymmetricInfoNce(a, b, hundred);
        Assert.AreEqual(l2.Item<float>(), l1.Item<float>(), 1e-5);
    }

    [TestMethod]
    public void MismatchedBatchesAreRefused()
    {
        using var a = torch.Zeros([2, 3]);
        using var b = torch.Zeros([3, 3]);
        using var s = torch.Scalar(1);
        Assert.ThrowsExactly<ArgumentException>(() => ContrastiveLoss.SymmetricInfoNce(a, b, s));
    }
}
