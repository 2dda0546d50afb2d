using MLExtensions.Torch;

namespace MLExtensions.Components.FewShot;

/// <summary>How an adapted classifier turns embeddings into class scores.</summary>
public enum FewShotHeadKind
{
    /// <summary>Distances to class prototypes (ProtoNet).</summary>
    Prototypes,
    /// <summary>Distances to centroids of centred, L2-normalised embeddings (SimpleShot).</summary>
    CentredPrototypes,
    /// <summary>An adapted linear layer (MAML, FOMAML, Reptile).</summary>
    Linear,
}

/// <summary>The support-derived part of an adapted classifier: prototypes or an adapted linear layer, one row per class.</summary>
internal sealed class FewShotHead : IDisposable
{
    public FewShotHead(FewShotHeadKind kind, Tensor weight, Tensor? bias, Tensor? center)
    {
        Kind = kind;
        Weight = weight.Detach().DetachFromDisposeScope();
        Bias = bias?.Detach().DetachFromDisposeScope();
        Center = center?.Detach().DetachFromDisposeScope();
    }

    public FewShotHeadKind Kind { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public Tensor? Center { get; }

    /// <summary>Class logits [R, C] of embeddings [R, D].</summary>
    public Tensor Logits(Tensor embedding, FewShotOptions o) => Kind switch
    {
        FewShotHeadKind.Prototypes => FewShotMethods.ProtoLogits(embedding, Weight, o.Distance, o.CosineScale),
        FewShotHeadKind.CentredPrototypes => FewShotMethods.NegSquaredDistance(FewShotMethods.CentreNormalise(embedding, Center!), Weight) * o.CosineScale,
        _ => Torch.NN.Functional.Linear(embedding, Weight, Bias),
    };

    public Dictionary<string, Tensor> Tensors()
    {
        var d = new Dictionary<string, Tensor> { ["head.weight"] = Weight };
        if (Bias != null) d["head.bias"] = Bias;
        if (Center != null) d["head.center"] = Center;
        return d;
    }

    public void Dispose()
    {
        Weight.Dispose();
        Bias?.Dispose();
        Center?.Dispose();
    }
}
