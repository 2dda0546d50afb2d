using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

// Reductions, sorting and selection.
public sealed partial class Tensor
{
    private static Arg Dims(int[]? dims) => dims is null ? Arg.None : (Arg)Array.ConvertAll(dims, d => (long)d);

    public Tensor Sum() => O("aten::sum").Call(this);
    public Tensor Sum(int dim, bool keepDim = false) => O("aten::sum", "dim_IntList").Call(this, new long[] { dim }, keepDim);
    public Tensor Sum(int[] dims, bool keepDim = false) => O("aten::sum", "dim_IntList").Call(this, Dims(dims), keepDim);
    public Tensor Mean() => O("aten::mean").Call(this);
    public Tensor Mean(int dim, bool keepDim = false) => O("aten::mean", "dim").Call(this, new long[] { dim }, keepDim);
    public Tensor Mean(int[] dims, bool keepDim = false) => O("aten::mean", "dim").Call(this, Dims(dims), keepDim);
    public Tensor Prod() => O("aten::prod").Call(this);
    /// <summary>Variance (unbiased by default, like torch.var).</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => O("aten::var", "dim").Call(this, new long[] { dim }, unbiased, keepDim);
    public Tensor Std(int dim, bool unbiased = true, bool keepDim = false) => O("aten::std", "dim").Call(this, new long[] { dim }, unbiased, keepDim);
    public Tensor Max() => O("aten::max").Call(this);
    public Tensor Min() => O("aten::min").Call(this);
    /// <summary>Maximum along a dimension: (values, indices).</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false)
    {
        var r = O("aten::max", "dim").CallMany(this, dim, keepDim);
        return (r[0], r[1]);
    }
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false)
    {
        var r = O("aten::min", "dim").CallMany(this, dim, keepDim);
        return (r[0], r[1]);
    }
    public Tensor Amax(int dim, bool keepDim = false) => O("aten::amax").Call(this, new long[] { dim }, keepDim);
    public Tensor Argmax() => O("aten::argmax").Call(this);
    public Tensor Argmax(int dim, bool keepDim = false) => O("aten::argmax").Call(this, dim, keepDim);
    public Tensor Argmin(int dim, bool keepDim = false) => O("aten::argmin").Call(this, dim, keepDim);
    public Tensor LogSumExp(int dim, bool keepDim = false) => O("aten::logsumexp").Call(this, new long[] { dim }, keepDim);
    public Tensor CumSum(int dim) => O("aten::cumsum").Call(this, dim);
    /// <summary>Vector p-norm over <paramref name="dims"/> (all elements when null).</summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false) =>
        O("aten::linalg_vector_norm").Call(this, p, Dims(dims), keepDim);
    public Tensor All() => O("aten::all").Call(this);
    public Tensor Any() => O("aten::any").Call(this);

    /// <summary>The k largest (or smallest) elements along <paramref name="dim"/>: (values, indices).</summary>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        var r = O("aten::topk").CallMany(this, k, dim, largest, sorted);
        return (r[0], r[1]);
    }

    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        var r = O("aten::sort").CallMany(this, dim, descending);
        return (r[0], r[1]);
    }

    public Tensor Argsort(int dim = -1, bool descending = false) => O("aten::argsort").Call(this, dim, descending);
}
