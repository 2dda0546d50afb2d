using MLExtensions.Components.Distillation;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.Distillation;

[TestClass]
public sealed class DistillationLossTests
{
    [TestMethod]
    public void LossEqualsHandComputedValueWithTemperatureSquared()
    {
        using var scope = torch.NewDisposeScope();
        var student = Tensor.From(new[] { 1.0f, 2.0f, 0.5f, 0.2f, -1.0f, 1.5f }, 2, 3);
        var teacher = Tensor.From(new[] { 3.0f, 1.0f, 0.0f, 0.0f, 2.0f, 1.0f }, 2, 3);
        var labels = Tensor.From(new long[] { 1, -1 }, 2);
        const double T = 2.0, alpha = 0.7;
        var loss = DistillationLoss.Compute(student, DistillationLoss.SoftTargets(teacher, T), labels, T, alpha).Item<float>();
        // Row 1 (labelled): alpha*T²*KL + (1-alpha)*CE; row 2 (no label): T²*KL; mean of the two, worked out by hand
        // with log-softmax(z/T) for both distributions.
        Assert.AreEqual(1.0662043750513828, loss, 1e-5);
    }

    [TestMethod]
    public void SoftTermIsZeroWhenStudentMatchesTeacherAndScalesWithTSquared()
    {
        using var scope = torch.NewDisposeScope();
        var logits = Tensor.From(new[] { 0.3f, -0.2f, 1.1f }, 1, 3);
        Assert.AreEqual(0.0, DistillationLoss.SoftTerm(logits, DistillationLoss.SoftTargets(logits, 3), 3).Item<float>(), 1e-6);
        var other = Tensor.From(new[] { 1.0f, 0.0f, 0.0f }, 1, 3);
        // With T = 1 the soft term is plain KL; the factor T² is the only scale applied.
        var kl1 = DistillationLoss.SoftTerm(logits, DistillationLoss.SoftTargets(other, 1), 1).Item<float>();
        var manual = ManualKl([1.0, 0.0, 0.0], [0.3, -0.2, 1.1]);
        Assert.AreEqual(manual, kl1, 1e-5);
    }

    private static double ManualKl(double[] teacher, double[] student)
    {
        static double[] Softmax(double[] z)
        {
            var m = z.Max();
            var e = z.Select(v => Math.Exp(v - m)).ToArray();
            var s = e.Sum();
            return e.Select(v => v / s).ToArray();
        }
        var p = Softmax(teacher);
        var q = Softmax(student);
        return p.Zip(q, (a, b) => a * Math.Log(a / b)).Sum();
    }

    [TestMethod]
    public void RejectsBadTemperatureAndAlpha()
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.Zeros([1, 2]);
        var y = Tensor.From(new long[] { 0 }, 1);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(z, z, y, 0, 0.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(z, z, y, 1, 1.5));
    }
}
