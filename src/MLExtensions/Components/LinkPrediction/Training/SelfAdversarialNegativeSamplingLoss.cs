using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Negative-sampling loss with self-adversarial weighting (Sun et al. 2019, RotatE):
/// L = −log σ(s⁺) − Σ_k w_k log σ(−s⁻_k), with w = softmax(α·s⁻) taken as constants (no gradient through the
/// weights). Harder negatives (higher scores) weigh more; α = 0 gives the plain mean over negatives.
/// Averaged over positives.
/// </summary>
public sealed class SelfAdversarialNegativeSamplingLoss
{
    /// <summary>Creates the loss with temperature <paramref name="temperature"/> (α ≥ 0).</summary>
    public SelfAdversarialNegativeSamplingLoss(double temperature = 1.0)
    {
        if (temperature < 0) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the adversarial temperature must not be negative");
        Temperature = temperature;
    }

    /// <summary>α.</summary>
    public double Temperature { get; }

    /// <summary>The loss of positive scores [B] and negative scores [B, K].</summary>
    public Tensor Compute(Tensor positive, Tensor negative)
    {
        // −log σ(x) = softplus(−x); −log σ(−x) = softplus(x).
        var posTerm = (-positive).Softplus();
        Tensor weights;
        using (torch.NoGrad())
            weights = (negative.Detach() * Temperature).Softmax(1);
        var negTerm = (weights * negative.Softplus()).Sum(1);
        return (posTerm + negTerm).Mean();
    }
}
