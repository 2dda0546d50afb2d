using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// ComplEx: score(h, r, t) = Re(Σ_k h_k r_k conj(t_k)). Each row holds Dim complex numbers as [re | im] halves.
/// Expanding the real part gives the two linear forms used to score all tails or all heads with one matmul.
/// </summary>
public sealed class ComplEx : KgeModel
{
    /// <summary>Creates the model (with <paramref name="reciprocal"/>, an inverse of each relation too); weights start Xavier-normal.</summary>
    public ComplEx(long entityCount, long relationCount, int dim, bool reciprocal = false) : base(entityCount, relationCount, dim, 2L * dim, 2L * dim, reciprocal)
    {
        Init.XavierNormal_(EntityWeight);
        Init.XavierNormal_(RelationWeight);
    }

    /// <inheritdoc />
    public override KgeModelKind Kind => KgeModelKind.ComplEx;

    private (Tensor Re, Tensor Im) Split(Tensor x) => (x.Narrow(-1, 0, Dim), x.Narrow(-1, Dim, Dim));

    // (h ∘ r) as [re | im]: scoring against t is then a dot product with t's [re | im].
    private Tensor HeadTimesRelation(Tensor h, Tensor r)
    {
        var (hr, hi) = Split(h);
        var (rr, ri) = Split(r);
        return torch.Cat([hr * rr - hi * ri, hr * ri + hi * rr], -1);
    }

    // The vector q with score = q · [h_re | h_im] for fixed (r, t): q = [rr·tr + ri·ti | rr·ti − ri·tr].
    private Tensor RelationTimesConjTail(Tensor r, Tensor t)
    {
        var (rr, ri) = Split(r);
        var (tr, ti) = Split(t);
        return torch.Cat([rr * tr + ri * ti, rr * ti - ri * tr], -1);
    }

    /// <inheritdoc />
    protected override Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails) =>
        (HeadTimesRelation(Rows(table, heads), Relations(relations)) * Rows(table, tails)).Sum(-1);

    /// <inheritdoc />
    protected override Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations) =>
        HeadTimesRelation(Rows(table, heads), Relations(relations)).Matmul(table.T());

    /// <inheritdoc />
    protected override Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails) =>
        RelationTimesConjTail(Relations(relations), Rows(table, tails)).Matmul(table.T());

    /// <inheritdoc />
    public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) =>
        [ComplexModulus(Entities(entities)), ComplexModulus(Relations(relations))];
}
