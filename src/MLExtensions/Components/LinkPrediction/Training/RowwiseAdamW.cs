using MLExtensions.Torch;
using MLExtensions.Torch.Interop;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// AdamW for an embedding table that updates only the rows a step touched (the "lazy" Adam of sparse embeddings):
/// the moments of the other rows are left as they are rather than decayed, and bias correction uses the global step
/// count. With negative sampling a step touches a few thousand of the table's rows, so this avoids a dense gradient
/// and three full passes over the table (parameter and both moments) per step.
/// </summary>
public sealed class RowwiseAdamW : IDisposable
{
    private readonly Tensor _table, _m, _v;
    private long _step;

    /// <summary>Optimises <paramref name="table"/> [rows, width] in place.</summary>
    public RowwiseAdamW(Tensor table, double learningRate, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        using (torch.NoGrad())
        {
            _m = torch.ZerosLike(table).DetachFromDisposeScope();
            _v = torch.ZerosLike(table).DetachFromDisposeScope();
        }
        LearningRate = learningRate; WeightDecay = weightDecay; Beta1 = beta1; Beta2 = beta2; Eps = eps;
    }

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; }
    /// <summary>Decoupled weight decay (applied to the touched rows only).</summary>
    public double WeightDecay { get; }
    /// <summary>β₁.</summary>
    public double Beta1 { get; }
    /// <summary>β₂.</summary>
    public double Beta2 { get; }
    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>Distinct row ids of <paramref name="ids"/> (any shape) and, for each id, its position among them.</summary>
    public static (Tensor Rows, Tensor Inverse) Unique(Tensor ids)
    {
        var r = Op.Get("aten::_unique2").CallMany(ids, true, true, false);
        return (r[0], r[1]);
    }

    /// <summary>Applies one step to rows <paramref name="rows"/> (distinct) with their gradient <paramref name="grad"/> [n, width].</summary>
    public void Step(Tensor rows, Tensor grad)
    {
        _step++;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var m = _m.IndexSelect(0, rows).Lerp_(grad, 1 - Beta1);
        var v = _v.IndexSelect(0, rows).Mul_(Beta2).Addcmul_(grad, grad, 1 - Beta2);
        double bc1 = 1 - Math.Pow(Beta1, _step), bc2 = 1 - Math.Pow(Beta2, _step);
        var p = _table.IndexSelect(0, rows);
        if (WeightDecay != 0) p.Mul_(1 - LearningRate * WeightDecay);
        p.Addcdiv_(m, v.Sqrt().Div_(Math.Sqrt(bc2)).Add_(Eps), -LearningRate / bc1);
        _m.IndexPut_([rows], m);
        _v.IndexPut_([rows], v);
        _table.IndexPut_([rows], p);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
    }
}
