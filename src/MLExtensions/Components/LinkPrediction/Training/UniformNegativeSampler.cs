using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Corrupts each positive triple K times on one side: the heads of a whole batch are replaced by entities drawn uniformly,
/// or its tails (callers alternate, as the RotatE reference trains on head- and tail-corrupted batches in turn). The side
/// kept comes back as [B, 1], so scoring broadcasts it against the K corruptions instead of materialising it K times.
/// Corruptions that happen to be true triples are not filtered out (at N in the tens of thousands they are rare, and the
/// self-adversarial loss gives low-scored ones little weight).
/// </summary>
public sealed class UniformNegativeSampler
{
    private readonly Generator _generator;

    /// <summary>Creates a sampler over <paramref name="entityCount"/> entities drawing from <paramref name="generator"/>.</summary>
    public UniformNegativeSampler(long entityCount, int negativesPerPositive, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entityCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(negativesPerPositive);
        EntityCount = entityCount;
        NegativesPerPositive = negativesPerPositive;
        _generator = generator;
    }

    /// <summary>Number of entities to draw from.</summary>
    public long EntityCount { get; }
    /// <summary>K.</summary>
    public int NegativesPerPositive { get; }

    /// <summary>
    /// Corrupted (heads, relations, tails) for positives given as [B] id tensors: with <paramref name="corruptHeads"/>
    /// heads [B, K] drawn uniformly, relations and tails [B, 1]; otherwise heads and relations [B, 1], tails [B, K].
    /// </summary>
    public (Tensor Heads, Tensor Relations, Tensor Tails) Sample(Tensor heads, Tensor relations, Tensor tails, bool corruptHeads)
    {
        long b = heads.Size(0), k = NegativesPerPositive;
        var random = torch.Randint(0, EntityCount, [b, k], _generator, device: heads.Device);
        var r = relations.Unsqueeze(1);
        return corruptHeads ? (random, r, tails.Unsqueeze(1)) : (heads.Unsqueeze(1), r, random);
    }
}
