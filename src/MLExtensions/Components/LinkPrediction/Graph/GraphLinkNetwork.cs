using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>How a homogeneous link predictor scores a pair of node representations.</summary>
public enum GraphLinkDecoder
{
    /// <summary>score(u, v) = z_u · z_v.</summary>
    Dot,
    /// <summary>score(u, v) = Σ z_u r z_v with one learned diagonal r (DistMult with a single relation).</summary>
    DistMult,
}

/// <summary>
/// Input, encoder and decoder of a homogeneous link predictor. With node features the input is the standardised
/// features ((x − mean) / std, the statistics of the training nodes saved as buffers <c>feature_mean</c> and
/// <c>feature_std</c>), so any node with features can be embedded; without, it is a learned table <c>node</c> [N, Dim]
/// (transductive: only the training nodes). The encoder (<see cref="GraphNodeEncoder"/>) runs over the whole graph.
/// </summary>
public sealed class GraphLinkNetwork : Module
{
    /// <summary>Creates the network for <paramref name="nodeCount"/> nodes with <paramref name="featureCount"/> features (0: none).</summary>
    public GraphLinkNetwork(GraphLinkPredictionOptions options, long nodeCount, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        Decoder = options.Decoder;
        FeatureCount = featureCount;
        NodeCount = nodeCount;
        if (featureCount > 0)
        {
            RegisterBuffer("feature_mean", torch.Zeros([featureCount]));
            RegisterBuffer("feature_std", torch.Ones([featureCount]));
        }
        else
        {
            RegisterParameter("node", Init.XavierNormal_(torch.Empty([nodeCount, options.Dim])));
        }
        Encoder = RegisterModule("encoder", new GraphNodeEncoder(options.Encoder, featureCount > 0 ? featureCount : options.Dim, options.Dim, options.Layers));
        if (Decoder == GraphLinkDecoder.DistMult) RegisterParameter("relation", torch.Ones([options.Dim]));
    }

    /// <summary>The decoder.</summary>
    public GraphLinkDecoder Decoder { get; }
    /// <summary>Node features the input expects (0: learned node table).</summary>
    public int FeatureCount { get; }
    /// <summary>Nodes of the learned table (the training graph's).</summary>
    public long NodeCount { get; }
    /// <summary>The message-passing encoder.</summary>
    public GraphNodeEncoder Encoder { get; }

    /// <summary>Sets the standardisation statistics from the training nodes' raw features [N, F] (std 0 counts as 1).</summary>
    internal void SetStandardisation(Tensor features)
    {
        using var noGrad = torch.NoGrad();
        GetBuffer("feature_mean")!.Copy_(features.Mean(0));
        var std = features.Std(0, unbiased: false);
        GetBuffer("feature_std")!.Copy_(std.MaskedFill(std.Lt(1e-6), 1.0));
    }

    /// <summary>
    /// Node representations for a graph: <paramref name="features"/> [N, F] (raw) or null for the learned table;
    /// edges <paramref name="src"/> → <paramref name="dst"/> with <paramref name="weight"/> (1 present, 0 hidden).
    /// </summary>
    public Tensor Embed(Tensor? features, Tensor src, Tensor dst, Tensor weight)
    {
        Tensor x;
        if (FeatureCount > 0)
        {
            if (features is null || features.Size(1) != FeatureCount)
                throw new ArgumentException($"the network expects {FeatureCount} node features per node");
            x = (features - GetBuffer("feature_mean")!) / GetBuffer("feature_std")!;
        }
        else
        {
            x = GetParameter("node")!;
        }
        return Encoder.Forward(x, src, dst, weight);
    }

    private Tensor Left(Tensor z, Tensor u)
    {
        var zu = Functional.Embedding(z, u);
        return Decoder == GraphLinkDecoder.DistMult ? zu * GetParameter("relation")! : zu;
    }

    /// <summary>Scores of pairs (u, v) given as id tensors of one shape, for representations <paramref name="z"/>.</summary>
    public Tensor Score(Tensor z, Tensor u, Tensor v) => (Left(z, u) * Functional.Embedding(z, v)).Sum(-1);

    /// <summary>Scores of (u, every node): [B, N].</summary>
    public Tensor ScoreAll(Tensor z, Tensor u) => Left(z, u).Matmul(z.T());
}
