using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.Distillation;

/// <summary>
/// The knowledge-distillation loss of Hinton et al. (2015), per row:
/// labelled rows: alpha * T² * KL(teacher_T || student_T) + (1 - alpha) * CE(student, label);
/// unlabelled rows (label key -1): T² * KL(teacher_T || student_T) alone. The result is the mean over the rows.
/// </summary>
/// <remarks>
/// <c>teacher_T</c> and <c>student_T</c> are the softmax of the logits divided by T. The T² factor keeps the soft
/// term's gradients on the same scale as the hard term's whatever the temperature.
/// </remarks>
public static class DistillationLoss
{
    /// <summary>The teacher's log-probabilities at temperature <paramref name="temperature"/>, from logits (or log-probabilities) at T = 1.</summary>
    public static Tensor SoftTargets(Tensor teacherLogits, double temperature) => (teacherLogits / temperature).LogSoftmax(1);

    /// <summary>Per-row KL(teacher_T || student_T) times T², from the teacher's log-probabilities at T.</summary>
    public static Tensor SoftTerm(Tensor studentLogits, Tensor teacherLogProbsT, double temperature)
    {
        var studentLogProbs = (studentLogits / temperature).LogSoftmax(1);
        return (teacherLogProbsT.Exp() * (teacherLogProbsT - studentLogProbs)).Sum(1) * (temperature * temperature);
    }

    /// <summary>
    /// The mean loss over the rows. <paramref name="labels"/> holds class keys, -1 for rows without a label.
    /// </summary>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogProbsT, Tensor labels, double temperature, double alpha)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive");
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha lies in [0, 1]");
        var soft = SoftTerm(studentLogits, teacherLogProbsT, temperature);
        var labelled = labels.Ge(0.0);
        // Cross-entropy is 0 on ignored rows (-1); the mask picks each row's weights.
        var hard = Functional.CrossEntropy(studentLogits, labels, reduction: Reduction.None, ignoreIndex: -1);
        var softWeight = torch.Where(labelled, torch.FullLike(soft, alpha), torch.OnesLike(soft));
        return (softWeight * soft + hard * (1 - alpha)).Mean();
    }
}
