using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>TransE: score(h, r, t) = γ − ‖h + r − t‖ₚ with p = 1 or 2; all tails (or heads) at once through cdist.</summary>
public sealed class TransE : KgeModel
{
    /// <summary>Creates the model (with <paramref name="reciprocal"/>, an inverse of each relation too); weights start uniform in ±6/√Dim (Bordes et al.).</summary>
    public TransE(long entityCount, long relationCount, int dim, double margin, int norm = 1, bool reciprocal = false) : base(entityCount, relationCount, dim, dim, dim, reciprocal)
    {
        if (norm is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(norm), norm, "TransE's norm is 1 or 2");
        Margin = margin;
        Norm = norm;
        double range = 6.0 / Math.Sqrt(dim);
        Init.Uniform_(EntityWeight, -range, range);
        Init.Uniform_(RelationWeight, -range, range);
    }

    /// <inheritdoc />
    public override KgeModelKind Kind => KgeModelKind.TransE;
    /// <summary>γ, added so that a sigmoid of the score is a usable probability.</summary>
    public double Margin { get; }
    /// <summary>The distance's p (1 or 2).</summary>
    public int Norm { get; }

    /// <inheritdoc />
    protected override Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails) =>
        Margin - (Rows(table, heads) + Relations(relations) - Rows(table, tails)).Norm(Norm, [-1]);

    /// <inheritdoc />
    protected override Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations) =>
        Margin - torch.Cdist(Rows(table, heads) + Relations(relations), table, Norm);

    /// <inheritdoc />
    protected override Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails) =>
        Margin - torch.Cdist(Rows(table, tails) - Relations(relations), table, Norm);

    /// <inheritdoc />
    public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) => [Entities(entities), Relations(relations)];
}
