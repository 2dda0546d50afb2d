using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

// Views, reshaping, indexing and gathering.
public sealed partial class Tensor
{
    public Tensor Reshape(params long[] shape) => O("aten::reshape").Call(this, shape);
    public Tensor View(params long[] shape) => O("aten::view").Call(this, shape);
    public Tensor Permute(params long[] dims) => O("aten::permute").Call(this, dims);
    public Tensor Transpose(int dim0, int dim1) => O("aten::transpose", "int").Call(this, dim0, dim1);
    public Tensor Flatten(int startDim = 0, int endDim = -1) => O("aten::flatten", "using_ints").Call(this, startDim, endDim);
    public Tensor Squeeze(int dim) => O("aten::squeeze", "dim").Call(this, dim);
    public Tensor Unsqueeze(int dim) => O("aten::unsqueeze").Call(this, dim);
    public Tensor Expand(params long[] shape) => O("aten::expand").Call(this, shape);
    public Tensor ExpandAs(Tensor other) => O("aten::expand_as").Call(this, other);
    public Tensor Repeat(params long[] repeats) => O("aten::repeat").Call(this, repeats);
    public Tensor RepeatInterleave(long repeats, int dim) => O("aten::repeat_interleave", "self_int").Call(this, repeats, dim);
    public Tensor Contiguous() => O("aten::contiguous").Call(this);
    public Tensor Clone() => O("aten::clone").Call(this);
    /// <summary>Same data, cut from the autograd graph.</summary>
    public Tensor Detach() => O("aten::detach").Call(this);
    public Tensor Flip(params long[] dims) => O("aten::flip").Call(this, dims);
    public Tensor Roll(long shift, int dim) => O("aten::roll").Call(this, new[] { shift }, new long[] { dim });
    public Tensor Tril(long diagonal = 0) => O("aten::tril").Call(this, diagonal);
    public Tensor Triu(long diagonal = 0) => O("aten::triu").Call(this, diagonal);
    /// <summary>Splits into chunks of <paramref name="splitSize"/> along <paramref name="dim"/> (last may be smaller).</summary>
    public Tensor[] Split(long splitSize, int dim = 0) => O("aten::split", "Tensor").CallMany(this, splitSize, dim);
    public Tensor[] Split(long[] sizes, int dim = 0) => O("aten::split_with_sizes").CallMany(this, sizes, dim);
    public Tensor[] Chunk(long chunks, int dim = 0) => O("aten::chunk").CallMany(this, chunks, dim);
    public Tensor[] Unbind(int dim = 0) => O("aten::unbind", "int").CallMany(this, dim);
    /// <summary>Index <paramref name="index"/> along <paramref name="dim"/>, removing that dimension.</summary>
    public Tensor Select(int dim, long index) => O("aten::select", "int").Call(this, dim, index);
    /// <summary>Elements [start, end) with step along <paramref name="dim"/> (a view).</summary>
    public Tensor Slice(int dim, long? start, long? end, long step = 1) =>
        O("aten::slice", "Tensor").Call(this, dim, start.HasValue ? (Arg)start.Value : Arg.None, end.HasValue ? (Arg)end.Value : Arg.None, step);
    public Tensor Narrow(int dim, long start, long length) => O("aten::narrow").Call(this, dim, start, length);

    public Tensor IndexSelect(int dim, Tensor index) => O("aten::index_select").Call(this, dim, index);
    public Tensor Gather(int dim, Tensor index) => O("aten::gather").Call(this, dim, index);
    public Tensor Scatter(int dim, Tensor index, Tensor src) => O("aten::scatter", "src").Call(this, dim, index, src);
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => O("aten::scatter_add").Call(this, dim, index, src);
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, double alpha = 1) =>
        O("aten::index_add").Call(this, dim, index, source, ((Arg)alpha).Named("alpha"));
    public Tensor MaskedFill(Tensor mask, double value) => O("aten::masked_fill", "Scalar").Call(this, mask, value);
    public Tensor MaskedSelect(Tensor mask) => O("aten::masked_select").Call(this, mask);
    /// <summary>Advanced indexing x[i0, i1, ...]; null entries mean "all of this dimension".</summary>
    public Tensor Index(params Tensor?[] indices) => O("aten::index", "Tensor").Call(this, indices);
    /// <summary>x[indices] = values, in place (accumulating when asked).</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        O("aten::index_put_").CallVoid(this, indices, values, accumulate);
        return this;
    }
    /// <summary>Indices of non-zero elements, [n, dim].</summary>
    public Tensor Nonzero() => O("aten::nonzero").Call(this);
    public Tensor Where(Tensor condition, Tensor other) => O("aten::where", "self").Call(condition, this, other);
}
