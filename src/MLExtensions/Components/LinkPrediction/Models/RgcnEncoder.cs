using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>How an R-GCN layer keeps the number of relation weight matrices small (Schlichtkrull et al. 2018).</summary>
public enum RgcnDecomposition
{
    /// <summary>W_r = Σ_b a_rb V_b: every relation mixes a few shared bases.</summary>
    Basis,
    /// <summary>W_r is block-diagonal: the width is cut into blocks, each with its own small matrix per relation.</summary>
    BlockDiagonal,
}

/// <summary>
/// Relational graph convolution over the training graph: h'_i = W_0 h_i + Σ_(j, r, i) (1 / in-degree(i)) W_r h_j, with
/// ReLU between layers. Every edge (j, r, i) is also added reversed under an inverse relation r⁻¹, so information
/// flows both ways; the self-loop W_0 starts as the identity (a fresh encoder passes the table through nearly
/// unchanged). The edges are persistent buffers, saved with the weights, so a loaded model encodes exactly as trained.
/// </summary>
public sealed class RgcnEncoder : EntityEncoder
{
    /// <summary>Builds the encoder for <paramref name="edges"/> (training triples) over entity rows of <paramref name="width"/> numbers.</summary>
    public RgcnEncoder(long entityCount, long relationCount, long width, TripleIds edges, int layers = 1, int bases = 4,
                       RgcnDecomposition decomposition = RgcnDecomposition.Basis)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bases);
        if (decomposition == RgcnDecomposition.BlockDiagonal && width % bases != 0)
            throw new ArgumentException($"block-diagonal R-GCN needs the width ({width}) to be a multiple of the block count ({bases})");
        EntityCount = entityCount;
        Width = width;
        Layers = layers;
        Bases = bases;
        Decomposition = decomposition;
        long m = edges.Count, all = 2 * m;
        var src = new long[all]; var dst = new long[all]; var rel = new long[all];
        for (int i = 0; i < m; i++)
        {
            src[i] = edges.Heads[i]; dst[i] = edges.Tails[i]; rel[i] = edges.Relations[i];
            src[m + i] = edges.Tails[i]; dst[m + i] = edges.Heads[i]; rel[m + i] = edges.Relations[i] + relationCount;
        }
        var inDegree = new long[entityCount];
        foreach (var d in dst) inDegree[d]++;
        var norm = dst.Select(d => 1f / inDegree[d]).ToArray();
        RegisterBuffer("src", Tensor.From(src, all));
        RegisterBuffer("dst", Tensor.From(dst, all));
        RegisterBuffer("rel", Tensor.From(rel, all));
        RegisterBuffer("norm", Tensor.From(norm, all));
        for (int l = 0; l < layers; l++)
        {
            if (decomposition == RgcnDecomposition.Basis)
            {
                RegisterParameter($"bases{l}", Init.Normal_(torch.Empty([bases, width, width]), 0, 1.0 / width));
                RegisterParameter($"coef{l}", Init.Normal_(torch.Empty([2 * relationCount, bases]), 0, 1.0 / Math.Sqrt(bases)));
            }
            else
            {
                long s = width / bases;
                RegisterParameter($"blocks{l}", Init.Normal_(torch.Empty([2 * relationCount, bases, s, s]), 0, 1.0 / s));
            }
            RegisterParameter($"self{l}", torch.Eye(width));
        }
    }

    /// <summary>Entities in the graph.</summary>
    public long EntityCount { get; }
    /// <summary>Numbers per entity row (2·Dim for complex decoders).</summary>
    public long Width { get; }
    /// <summary>Graph convolution layers.</summary>
    public int Layers { get; }
    /// <summary>Bases (basis decomposition) or blocks (block-diagonal).</summary>
    public int Bases { get; }
    /// <summary>The decomposition of the relation matrices.</summary>
    public RgcnDecomposition Decomposition { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor entities, Tensor relations)
    {
        var src = GetBuffer("src")!; var dst = GetBuffer("dst")!; var rel = GetBuffer("rel")!;
        var norm = GetBuffer("norm")!.Unsqueeze(1);
        long m = src.Size(0);
        var h = entities;
        for (int l = 0; l < Layers; l++)
        {
            Tensor messages;
            if (Decomposition == RgcnDecomposition.Basis)
            {
                // h V_b for every basis once ([B, E, W]), then each edge mixes its source row with its relation's coefficients.
                var projected = h.Matmul(GetParameter($"bases{l}")!);
                var coef = GetParameter($"coef{l}")!.IndexSelect(0, rel).T().Unsqueeze(-1);   // [B, M, 1]
                messages = (projected.IndexSelect(1, src) * coef).Sum(0);                        // [M, W]
            }
            else
            {
                long s = Width / Bases;
                var blocks = GetParameter($"blocks{l}")!.IndexSelect(0, rel);                   // [M, nb, s, s]
                messages = h.IndexSelect(0, src).View(m, Bases, 1, s).Matmul(blocks).Reshape(m, Width);
            }
            var aggregated = torch.ZerosLike(h).IndexAdd(0, dst, messages * norm);
            h = h.Matmul(GetParameter($"self{l}")!) + aggregated;
            if (l < Layers - 1) h = h.Relu();
        }
        return h;
    }
}
