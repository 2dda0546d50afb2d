using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>How a CompGCN-style layer composes a neighbour's embedding with the relation's (Vashishth et al. 2020).</summary>
public enum CompGcnComposition
{
    /// <summary>φ(h, r) = h − r (TransE-like).</summary>
    Subtract,
    /// <summary>φ(h, r) = h ∘ r (DistMult-like).</summary>
    Multiply,
}

/// <summary>
/// CompGCN-style encoder: each message composes the neighbour with the relation, φ(h_j, r), and is projected by a
/// weight chosen by the edge's direction (W_in for (j, r, i), W_out for the reversed edge that every triple also
/// contributes); h'_i = W_self h_i + (1 / in-degree(i)) Σ W_dir φ(h_j, r), ReLU between layers. The relation
/// embeddings are the decoder's own table (they are not transformed per layer, a simplification of CompGCN), so the
/// decoder's relation width must equal its entity width (DistMult, ComplEx, TransE; not RotatE). W_self starts as the
/// identity. The graph is saved with the weights.
/// </summary>
public sealed class CompGcnEncoder : EntityEncoder
{
    /// <summary>Builds the encoder for <paramref name="edges"/> over rows of <paramref name="width"/> numbers.</summary>
    public CompGcnEncoder(long entityCount, long width, TripleIds edges, int layers = 1,
                          CompGcnComposition composition = CompGcnComposition.Multiply)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        Width = width;
        Layers = layers;
        Composition = composition;
        long m = edges.Count, all = 2 * m;
        var src = new long[all]; var dst = new long[all]; var rel = new long[all]; var inverse = new float[all];
        for (int i = 0; i < m; i++)
        {
            src[i] = edges.Heads[i]; dst[i] = edges.Tails[i]; rel[i] = edges.Relations[i];
            src[m + i] = edges.Tails[i]; dst[m + i] = edges.Heads[i]; rel[m + i] = edges.Relations[i]; inverse[m + i] = 1;
        }
        var inDegree = new long[entityCount];
        foreach (var d in dst) inDegree[d]++;
        RegisterBuffer("src", Tensor.From(src, all));
        RegisterBuffer("dst", Tensor.From(dst, all));
        RegisterBuffer("rel", Tensor.From(rel, all));
        RegisterBuffer("inverse", Tensor.From(inverse, all));
        RegisterBuffer("norm", Tensor.From(dst.Select(d => 1f / inDegree[d]).ToArray(), all));
        for (int l = 0; l < layers; l++)
        {
            RegisterParameter($"w_in{l}", Init.Normal_(torch.Empty([width, width]), 0, 1.0 / width));
            RegisterParameter($"w_out{l}", Init.Normal_(torch.Empty([width, width]), 0, 1.0 / width));
            RegisterParameter($"self{l}", torch.Eye(width));
        }
    }

    /// <summary>Numbers per entity row.</summary>
    public long Width { get; }
    /// <summary>Layers.</summary>
    public int Layers { get; }
    /// <summary>The composition φ.</summary>
    public CompGcnComposition Composition { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor entities, Tensor relations)
    {
        if (relations.Size(1) != Width)
            throw new InvalidOperationException($"CompGCN composes entities and relations of one width; the decoder has {Width} and {relations.Size(1)}");
        var src = GetBuffer("src")!; var dst = GetBuffer("dst")!; var rel = GetBuffer("rel")!;
        var inverse = GetBuffer("inverse")!.Unsqueeze(1);
        var norm = GetBuffer("norm")!.Unsqueeze(1);
        var r = relations.IndexSelect(0, rel);
        var h = entities;
        for (int l = 0; l < Layers; l++)
        {
            var neighbour = h.IndexSelect(0, src);
            var composed = Composition == CompGcnComposition.Multiply ? neighbour * r : neighbour - r;
            // Direction-specific projection: forward edges use W_in, reversed edges W_out.
            var forward = composed.Matmul(GetParameter($"w_in{l}")!);
            var backward = composed.Matmul(GetParameter($"w_out{l}")!);
            var messages = forward * (1 - inverse) + backward * inverse;
            var aggregated = torch.ZerosLike(h).IndexAdd(0, dst, messages * norm);
            h = h.Matmul(GetParameter($"self{l}")!) + aggregated;
            if (l < Layers - 1) h = h.Relu();
        }
        return h;
    }
}
