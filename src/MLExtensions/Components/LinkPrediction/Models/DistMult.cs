using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>DistMult: score(h, r, t) = Σ_k h_k r_k t_k. Entities and relations are Dim real numbers.</summary>
public sealed class DistMult : KgeModel
{
    /// <summary>Creates the model; weights start Xavier-normal.</summary>
    public DistMult(long entityCount, long relationCount, int dim) : base(entityCount, relationCount, dim, dim, dim)
    {
        Init.XavierNormal_(EntityWeight);
        Init.XavierNormal_(RelationWeight);
    }

    /// <inheritdoc />
    public override KgeModelKind Kind => KgeModelKind.DistMult;

    /// <inheritdoc />
    public override Tensor ScoreTriples(Tensor heads, Tensor relations, Tensor tails) =>
        (Entities(heads) * Relations(relations) * Entities(tails)).Sum(-1);

    /// <inheritdoc />
    public override Tensor ScoreTails(Tensor heads, Tensor relations) =>
        (Entities(heads) * Relations(relations)).Matmul(EntityWeight.T());

    /// <inheritdoc />
    public override Tensor ScoreHeads(Tensor relations, Tensor tails) =>
        (Relations(relations) * Entities(tails)).Matmul(EntityWeight.T());

    /// <inheritdoc />
    public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) => [Entities(entities), Relations(relations)];
}
