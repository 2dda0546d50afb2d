using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// 1vsAll loss: a query (h, r, ?) or (?, r, t) built from one training triple is scored against every entity and
/// the softmax over entities is trained to put its mass on that triple's answer — cross-entropy
/// −s_answer + log Σ_e exp(s_e), averaged over queries (the loss of Lacroix et al. 2018 and of the 1vsAll training
/// type of Ruffinelli et al. 2020). Other true answers of the same query are not removed from the softmax.
/// </summary>
public static class OneVsAllCrossEntropyLoss
{
    /// <summary>The mean loss of <paramref name="scores"/> [B, N] against answer ids <paramref name="answers"/> [B] (int64).</summary>
    public static Tensor Compute(Tensor scores, Tensor answers)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(answers);
        if (scores.Dim != 2 || answers.Dim != 1 || answers.Size(0) != scores.Size(0))
            throw new ArgumentException($"scores must be [B, N] and answers [B]; got [{string.Join(", ", scores.Shape)}] and [{string.Join(", ", answers.Shape)}]");
        return Functional.CrossEntropy(scores, answers);
    }
}
