using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>The node encoders of <see cref="GraphLinkPredictionTrainer"/> (homogeneous graphs).</summary>
public enum GraphEncoderKind
{
    /// <summary>GraphSAGE with the mean aggregator: h' = W_self h + W_neigh mean(h_j over neighbours) (Hamilton et al. 2017).</summary>
    GraphSage,
    /// <summary>GCN: h' = D^-1/2 (A + I) D^-1/2 h W (Kipf and Welling 2017).</summary>
    Gcn,
}

/// <summary>
/// Message passing over a homogeneous graph given as directed edge lists (every undirected edge appears in both
/// directions) with a weight per edge (1 = present, 0 = hidden from message passing, as training does with the
/// edges it is scoring). Normalisations are computed from the weights at every call, so the same encoder embeds any
/// graph — including one with nodes that were not there at training (inductive scoring).
/// </summary>
public sealed class GraphNodeEncoder : Module
{
    /// <summary>Layers of <paramref name="kind"/> taking <paramref name="inputWidth"/> numbers per node to <paramref name="width"/>.</summary>
    public GraphNodeEncoder(GraphEncoderKind kind, long inputWidth, long width, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        Kind = kind;
        Layers = layers;
        for (int l = 0; l < layers; l++)
        {
            long input = l == 0 ? inputWidth : width;
            if (kind == GraphEncoderKind.GraphSage)
            {
                RegisterModule($"self{l}", new Linear(input, width));
                RegisterModule($"neigh{l}", new Linear(input, width, bias: false));
            }
            else
            {
                RegisterModule($"lin{l}", new Linear(input, width));
            }
        }
    }

    /// <summary>GraphSAGE or GCN.</summary>
    public GraphEncoderKind Kind { get; }
    /// <summary>Message-passing layers (ReLU between them, none after the last).</summary>
    public int Layers { get; }

    private Linear Layer(string name) => (Linear)NamedChildren().First(c => c.Name == name).Module;

    /// <summary>
    /// Node representations [N, width] for inputs <paramref name="x"/> [N, inputWidth] and directed edges
    /// <paramref name="src"/> → <paramref name="dst"/> [E] with weights <paramref name="weight"/> [E].
    /// </summary>
    public Tensor Forward(Tensor x, Tensor src, Tensor dst, Tensor weight)
    {
        long n = x.Size(0);
        var degree = torch.Zeros([n], device: x.Device).IndexAdd(0, dst, weight);
        Tensor edgeNorm, selfNorm;
        if (Kind == GraphEncoderKind.GraphSage)
        {
            // Mean over the present neighbours; a node without any gets a zero neighbour term.
            edgeNorm = weight / degree.IndexSelect(0, dst).ClampMin(1);
            selfNorm = torch.Ones([n], device: x.Device);
        }
        else
        {
            // Symmetric normalisation with a self-loop: 1/√((d_i+1)(d_j+1)) per edge, 1/(d_i+1) for the loop.
            var inv = (degree + 1).Rsqrt();
            edgeNorm = weight * inv.IndexSelect(0, src) * inv.IndexSelect(0, dst);
            selfNorm = inv.Square();
        }
        edgeNorm = edgeNorm.Unsqueeze(1);
        var h = x;
        for (int l = 0; l < Layers; l++)
        {
            if (Kind == GraphEncoderKind.GraphSage)
            {
                var mean = torch.Zeros([n, h.Size(1)], device: x.Device).IndexAdd(0, dst, h.IndexSelect(0, src) * edgeNorm);
                h = Layer($"self{l}").Forward(h) + Layer($"neigh{l}").Forward(mean);
            }
            else
            {
                var lin = Layer($"lin{l}");
                var p = Functional.Linear(h, lin.Weight, null);
                h = torch.ZerosLike(p).IndexAdd(0, dst, p.IndexSelect(0, src) * edgeNorm) + p * selfNorm.Unsqueeze(1) + lin.Bias!;
            }
            if (l < Layers - 1) h = h.Relu();
        }
        return h;
    }
}
