using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// RotatE: each relation is a rotation (a phase per complex coordinate), score(h, r, t) = γ − Σ_k |h_k r_k − t_k|.
/// Entities hold Dim complex numbers as [re | im]; relations hold Dim phases. Because |r_k| = 1,
/// |h r − t| = |h − t conj(r)|, so scoring all heads is the same computation as scoring all tails.
/// </summary>
public sealed class RotatE : KgeModel
{
    private const long MaxChunkElements = 1L << 24;

    /// <summary>Creates the model with margin <paramref name="margin"/> (γ), with <paramref name="reciprocal"/> an inverse of each relation too; entities start uniform in ±(γ + 2)/Dim.</summary>
    public RotatE(long entityCount, long relationCount, int dim, double margin, bool reciprocal = false) : base(entityCount, relationCount, dim, 2L * dim, dim, reciprocal)
    {
        Margin = margin;
        double range = (margin + 2.0) / dim;
        Init.Uniform_(EntityWeight, -range, range);
        Init.Uniform_(RelationWeight, -Math.PI, Math.PI);
    }

    /// <inheritdoc />
    public override KgeModelKind Kind => KgeModelKind.RotatE;

    /// <summary>γ: the score is γ minus the distance, so that a sigmoid of it is a usable probability.</summary>
    public double Margin { get; }

    private (Tensor Re, Tensor Im) Split(Tensor x) => (x.Narrow(-1, 0, Dim), x.Narrow(-1, Dim, Dim));

    // e ∘ exp(i·sign·phase), returned as (re, im).
    private (Tensor Re, Tensor Im) Rotate(Tensor e, Tensor phase, bool conjugate)
    {
        var (er, ei) = Split(e);
        var c = phase.Cos();
        var s = conjugate ? -phase.Sin() : phase.Sin();
        return (er * c - ei * s, er * s + ei * c);
    }

    private static Tensor Distance(Tensor ar, Tensor ai, Tensor br, Tensor bi) =>
        ((ar - br).Square() + (ai - bi).Square() + 1e-9).Sqrt().Sum(-1);

    /// <inheritdoc />
    protected override Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails)
    {
        // Rotate the side with fewer ids (a negative-sampling batch keeps one side at [B, 1]): |h r − t| = |h − t conj(r)|.
        bool rotateTails = heads.NumEl > tails.NumEl;
        var (qr, qi) = Rotate(Rows(table, rotateTails ? tails : heads), Relations(relations), rotateTails);
        var (er, ei) = Split(Rows(table, rotateTails ? heads : tails));
        return Margin - Distance(qr, qi, er, ei);
    }

    /// <inheritdoc />
    protected override Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations)
    {
        var (qr, qi) = Rotate(Rows(table, heads), Relations(relations), false);
        return AgainstAll(table, qr, qi);
    }

    /// <inheritdoc />
    protected override Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails)
    {
        var (qr, qi) = Rotate(Rows(table, tails), Relations(relations), true);
        return AgainstAll(table, qr, qi);
    }

    // γ − distance from each query [B, Dim] to every entity. Without autograd on the CPU (evaluation, prediction) a
    // fused kernel computes it; otherwise tensor operations in entity chunks that keep [B, chunk, Dim] bounded.
    private Tensor AgainstAll(Tensor table, Tensor qr, Tensor qi)
    {
        if (!torch.IsGradEnabled && table.Device.Type == DeviceType.CPU && table.DType == ScalarType.Float32)
            return FusedAgainstAll(table, qr, qi);
        return ChunkedAgainstAll(table, qr, qi);
    }

    private Tensor FusedAgainstAll(Tensor table, Tensor qr, Tensor qi)
    {
        long b = qr.Size(0);
        var queries = torch.Cat([qr, qi], -1).ToArray<float>();
        var entities = table.ToArray<float>();
        var scores = new float[checked(b * EntityCount)];
        RotationDistanceKernel.Score(queries, entities, Dim, (float)Margin, scores, torch.NumThreads);
        return Tensor.From(scores, b, EntityCount);
    }

    private Tensor ChunkedAgainstAll(Tensor table, Tensor qr, Tensor qi)
    {
        long b = qr.Size(0);
        long chunk = Math.Max(1, MaxChunkElements / Math.Max(1, b * Dim));
        var (er, ei) = Split(table);
        var qr3 = qr.Unsqueeze(1);
        var qi3 = qi.Unsqueeze(1);
        var parts = new List<Tensor>();
        for (long start = 0; start < EntityCount; start += chunk)
        {
            long n = Math.Min(chunk, EntityCount - start);
            // Each chunk's [B, chunk, Dim] temporaries are freed with its own scope (autograd keeps what it needs),
            // so that memory stays bounded by one chunk instead of growing to B × EntityCount × Dim per temporary.
            using var scope = torch.NewDisposeScope();
            parts.Add(Distance(qr3, qi3, er.Narrow(0, start, n).Unsqueeze(0), ei.Narrow(0, start, n).Unsqueeze(0)).MoveToOuterDisposeScope());
        }
        var distance = parts.Count == 1 ? parts[0] : torch.Cat(parts, 1);
        return Margin - distance;
    }

    /// <inheritdoc />
    public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) => [ComplexModulus(Entities(entities))];
}
