using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>DistMult: score(h, r, t) = Σ_k h_k r_k t_k. Entities and relations are Dim real numbers.</summary>
public sealed class DistMult : KgeModel
{
    /// <summary>Creates the model (with <paramref name="reciprocal"/>, an inverse of each relation too); weights start Xavier-normal.</summary>
    public DistMult(long entityCount, long relationCount, int dim, bool reciprocal = false) : base(entityCount, relationCount, dim, dim, dim, reciprocal)
    {
        Init.XavierNormal_(EntityWeight);
        Init.XavierNormal_(RelationWeight);
    }

    /// <inheritdoc />
    public override KgeModelKind Kind => KgeModelKind.DistMult;

    /// <inheritdoc />
    protected override Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails) =>
        (Rows(table, heads) * Relations(relations) * Rows(table, tails)).Sum(-1);

    /// <inheritdoc />
    protected override Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations) =>
        (Rows(table, heads) * Relations(relations)).Matmul(table.T());

    /// <inheritdoc />
    protected override Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails) =>
        (Relations(relations) * Rows(table, tails)).Matmul(table.T());

    /// <inheritdoc />
    public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) => [Entities(entities), Relations(relations)];
}
