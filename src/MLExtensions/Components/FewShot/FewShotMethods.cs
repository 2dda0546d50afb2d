using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.FewShot;

/// <summary>The per-episode mathematics of the algorithms: prototype logits, losses and inner-loop adaptation.</summary>
internal static class FewShotMethods
{
    public static bool IsGradientBased(FewShotAlgorithm a) => a is FewShotAlgorithm.Maml or FewShotAlgorithm.FoMaml or FewShotAlgorithm.Reptile;

    /// <summary>Class means of class-major support embeddings [N*K, D] -> [N, D].</summary>
    public static Tensor Prototypes(Tensor support, int ways) => support.View(ways, -1, support.Size(1)).Mean(1);

    /// <summary>Class means of embeddings [R, D] with labels <paramref name="y"/> in 0..<paramref name="ways"/>-1, any order -> [N, D].</summary>
    public static Tensor ClassMeans(Tensor embedding, Tensor y, int ways)
    {
        var onehot = Functional.OneHot(y, ways).Float();
        return onehot.T().Matmul(embedding) / onehot.Sum(0).Unsqueeze(1);
    }

    /// <summary>Negative squared Euclidean distances [Q, N].</summary>
    public static Tensor NegSquaredDistance(Tensor query, Tensor prototypes)
    {
        var qq = query.Square().Sum(1, keepDim: true);
        var pp = prototypes.Square().Sum(1).Unsqueeze(0);
        return (query.Matmul(prototypes.T()) * 2.0) - qq - pp;
    }

    /// <summary>ProtoNet logits of query embeddings against prototypes.</summary>
    public static Tensor ProtoLogits(Tensor query, Tensor prototypes, FewShotDistance distance, double cosineScale) =>
        distance == FewShotDistance.Cosine
            ? Functional.Normalize(query).Matmul(Functional.Normalize(prototypes).T()) * cosineScale
            : NegSquaredDistance(query, prototypes);

    /// <summary>SimpleShot's feature transform: subtract the base-class mean, then L2-normalise.</summary>
    public static Tensor CentreNormalise(Tensor embedding, Tensor center) => Functional.Normalize(embedding - center);

    /// <summary>Labels 0..N-1, each <paramref name="perClass"/> times.</summary>
    public static Tensor EpisodeLabels(int ways, int perClass, Device device) =>
        torch.Arange(ways, device: device).RepeatInterleave(perClass, 0);

    /// <summary>The zero-initialised N-way linear head appended to the fast weights of MAML/Reptile (so any N can be adapted to).</summary>
    public static Tensor[] ZeroHead(int ways, int embedding, Device device) =>
        [torch.Zeros([ways, embedding], device: device).RequiresGrad_(), torch.Zeros([ways], device: device).RequiresGrad_()];

    /// <summary>
    /// The head of <see cref="FewShotHeadInit.Prototypes"/>: prototypes c_k of support rows <paramref name="xs"/> (labels
    /// <paramref name="y"/> in 0..<paramref name="ways"/>-1) under <paramref name="encoderWeights"/>, as weight 2 c_k and
    /// bias -|c_k|^2 (the logits 2 c_k·x - |c_k|^2 differ from -|x - c_k|^2 by a term shared by all classes). With
    /// <paramref name="differentiable"/> the head stays a function of the encoder weights; otherwise it is a new leaf.
    /// </summary>
    public static Tensor[] PrototypeHead(FewShotEncoder encoder, Tensor xs, Tensor y, int ways, IReadOnlyList<Tensor> encoderWeights, bool differentiable)
    {
        var protos = ClassMeans(encoder.Forward(xs, encoderWeights), y, ways);
        Tensor[] head = [protos * 2.0, protos.Square().Sum(1).Neg()];
        return differentiable ? head : head.Select(t => t.Detach().RequiresGrad_()).ToArray();
    }

    /// <summary>Encoder weights <paramref name="encoderWeights"/> followed by the task's starting head (<see cref="FewShotOptions.HeadInit"/>).</summary>
    public static List<Tensor> StartWeights(FewShotOptions o, FewShotEncoder encoder, Tensor xs, Tensor y, int ways, IReadOnlyList<Tensor> encoderWeights,
        bool differentiableHead, Device device) =>
        encoderWeights.Concat(o.HeadInit == FewShotHeadInit.Prototypes
            ? PrototypeHead(encoder, xs, y, ways, encoderWeights, differentiableHead)
            : ZeroHead(ways, encoder.EmbeddingSize, device)).ToList();

    /// <summary>
    /// Logits of the encoder with fast weights (encoder weights then head weight and bias); <paramref name="statistics"/>:
    /// fixed normalisation statistics (see <see cref="FewShotEncoder.NormStatistics"/>), null for the encoder's own mode.
    /// </summary>
    public static Tensor FastLogits(FewShotEncoder encoder, Tensor x, IReadOnlyList<Tensor> fast, IReadOnlyList<Tensor>? statistics = null)
    {
        int n = fast.Count - 2;
        var emb = encoder.Forward(x, fast.Take(n).ToList(), statistics);
        return Functional.Linear(emb, fast[n], fast[n + 1]);
    }

    /// <summary>The normalisation statistics of support rows <paramref name="xs"/> under the encoder part of <paramref name="fast"/>.</summary>
    public static IReadOnlyList<Tensor>? SupportStatistics(FewShotEncoder encoder, Tensor xs, IReadOnlyList<Tensor> fast) =>
        encoder.NormStatistics(xs, fast.Take(fast.Count - 2).ToList());

    /// <summary>
    /// Inner loop: <paramref name="steps"/> SGD steps on (x, y) from <paramref name="start"/>. With
    /// <paramref name="createGraph"/> the result stays differentiable with respect to the start (second-order MAML);
    /// without it, the gradients are constants (first-order). <paramref name="retainGraph"/>: keep the graph that leads to
    /// the start (needed when part of the start is computed, such as a differentiable prototype head, and the outer
    /// gradient must still flow through it).
    /// </summary>
    public static IReadOnlyList<Tensor> Adapt(FewShotEncoder encoder, Tensor x, Tensor y, IReadOnlyList<Tensor> start, int steps,
        double learningRate, bool createGraph, bool retainGraph = false)
    {
        IReadOnlyList<Tensor> fast = start;
        for (int s = 0; s < steps; s++)
        {
            var loss = Functional.CrossEntropy(FastLogits(encoder, x, fast), y);
            var grads = Autograd.Grad([loss], fast, retainGraph: createGraph || retainGraph, createGraph: createGraph, allowUnused: true);
            fast = fast.Select((w, i) => grads[i] is { } g ? w - (createGraph ? g : g.Detach()) * learningRate : w).ToList();
        }
        return fast;
    }
}
