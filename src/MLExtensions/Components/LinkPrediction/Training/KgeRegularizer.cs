using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>Which penalty is added to the loss on the embeddings a batch uses.</summary>
public enum KgeRegularization
{
    /// <summary>No penalty (AdamW's decoupled weight decay still applies).</summary>
    None,
    /// <summary>Weighted nuclear 3-norm (Lacroix et al. 2018): λ · Σ |x|³ over the factors of the batch, per query.</summary>
    N3,
    /// <summary>λ · Σ x² over the factors of the batch, per query.</summary>
    L2,
}

/// <summary>Computes the regularisation term from a model's factors (see <see cref="KgeModel.Factors"/>).</summary>
public static class KgeRegularizer
{
    /// <summary>The penalty for <paramref name="factors"/> of a batch of <paramref name="batchSize"/> queries, or null for none.</summary>
    public static Tensor? Penalty(KgeRegularization kind, double weight, IEnumerable<Tensor> factors, long batchSize)
    {
        if (kind == KgeRegularization.None || weight == 0) return null;
        Tensor? total = null;
        foreach (var f in factors)
        {
            var term = kind == KgeRegularization.N3 ? f.Abs().Pow(3).Sum() : f.Square().Sum();
            total = total is null ? term : total + term;
        }
        return total is null ? null : total * (weight / batchSize);
    }
}
