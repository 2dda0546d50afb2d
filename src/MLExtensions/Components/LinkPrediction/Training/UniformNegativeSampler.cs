using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Corrupts each positive triple K times: with probability ½ the head, otherwise the tail, is replaced by an entity
/// drawn uniformly. Corruptions that happen to be true triples are not filtered out (at N in the tens of thousands
/// they are rare, and the self-adversarial loss gives low-scored ones little weight).
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

    /// <summary>Corrupted (heads, relations, tails), each [B, K], for positives given as [B] id tensors.</summary>
    public (Tensor Heads, Tensor Relations, Tensor Tails) Sample(Tensor heads, Tensor relations, Tensor tails)
    {
        long b = heads.Size(0), k = NegativesPerPositive;
        var random = torch.Randint(0, EntityCount, [b, k], _generator, device: heads.Device);
        var corruptHead = torch.Rand([b, k], _generator, device: heads.Device).Lt(0.5);
        var h = heads.Unsqueeze(1).Expand(b, k);
        var t = tails.Unsqueeze(1).Expand(b, k);
        return (torch.Where(corruptHead, random, h), relations.Unsqueeze(1).Expand(b, k), torch.Where(corruptHead, t, random));
    }
}
