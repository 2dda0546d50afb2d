using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

// Elementwise math, comparisons and matrix products.
public sealed partial class Tensor
{
    private static Op O(string name, string overload = "") => Op.Get(name, overload);

    public static Tensor operator +(Tensor a, Tensor b) => O("aten::add", "Tensor").Call(a, b);
    public static Tensor operator +(Tensor a, double b) => O("aten::add", "Scalar").Call(a, b);
    public static Tensor operator +(Tensor a, long b) => O("aten::add", "Scalar").Call(a, b);
    public static Tensor operator +(double a, Tensor b) => b + a;
    public static Tensor operator +(long a, Tensor b) => b + a;
    public static Tensor operator -(Tensor a, Tensor b) => O("aten::sub", "Tensor").Call(a, b);
    public static Tensor operator -(Tensor a, double b) => O("aten::sub", "Scalar").Call(a, b);
    public static Tensor operator -(Tensor a, long b) => O("aten::sub", "Scalar").Call(a, b);
    public static Tensor operator -(double a, Tensor b) => O("aten::rsub", "Scalar").Call(b, a);
    public static Tensor operator -(long a, Tensor b) => O("aten::rsub", "Scalar").Call(b, a);
    public static Tensor operator -(Tensor a) => O("aten::neg").Call(a);
    public static Tensor operator *(Tensor a, Tensor b) => O("aten::mul", "Tensor").Call(a, b);
    public static Tensor operator *(Tensor a, double b) => O("aten::mul", "Scalar").Call(a, b);
    public static Tensor operator *(Tensor a, long b) => O("aten::mul", "Scalar").Call(a, b);
    public static Tensor operator *(double a, Tensor b) => b * a;
    public static Tensor operator *(long a, Tensor b) => b * a;
    public static Tensor operator /(Tensor a, Tensor b) => O("aten::div", "Tensor").Call(a, b);
    public static Tensor operator /(Tensor a, double b) => O("aten::div", "Scalar").Call(a, b);
    public static Tensor operator /(double a, Tensor b)
    {
        using var r = O("aten::reciprocal").Call(b).DetachFromDisposeScope();
        return r * a;
    }

    public Tensor Add(Tensor other, double alpha = 1) => O("aten::add", "Tensor").Call(this, other, ((Arg)alpha).Named("alpha"));
    public Tensor Sub(Tensor other, double alpha = 1) => O("aten::sub", "Tensor").Call(this, other, ((Arg)alpha).Named("alpha"));
    public Tensor Mul(Tensor other) => this * other;
    public Tensor Div(Tensor other) => this / other;
    public Tensor Neg() => -this;
    public Tensor Pow(double exponent) => O("aten::pow", "Tensor_Scalar").Call(this, exponent);
    public Tensor Pow(Tensor exponent) => O("aten::pow", "Tensor_Tensor").Call(this, exponent);
    public Tensor Square() => O("aten::square").Call(this);
    public Tensor Exp() => O("aten::exp").Call(this);
    public Tensor Log() => O("aten::log").Call(this);
    public Tensor Log1p() => O("aten::log1p").Call(this);
    public Tensor Sqrt() => O("aten::sqrt").Call(this);
    public Tensor Rsqrt() => O("aten::rsqrt").Call(this);
    public Tensor Abs() => O("aten::abs").Call(this);
    public Tensor Sign() => O("aten::sign").Call(this);
    public Tensor Reciprocal() => O("aten::reciprocal").Call(this);
    public Tensor Sin() => O("aten::sin").Call(this);
    public Tensor Cos() => O("aten::cos").Call(this);
    public Tensor Floor() => O("aten::floor").Call(this);
    public Tensor Ceil() => O("aten::ceil").Call(this);
    public Tensor Round() => O("aten::round").Call(this);
    public Tensor Erf() => O("aten::erf").Call(this);
    public Tensor Clamp(double? min = null, double? max = null) =>
        O("aten::clamp").Call(this, min.HasValue ? (Arg)min.Value : Arg.None, max.HasValue ? (Arg)max.Value : Arg.None);
    public Tensor ClampMin(double min) => O("aten::clamp_min").Call(this, min);
    public Tensor ClampMax(double max) => O("aten::clamp_max").Call(this, max);
    public Tensor Maximum(Tensor other) => O("aten::maximum").Call(this, other);
    public Tensor Minimum(Tensor other) => O("aten::minimum").Call(this, other);
    public Tensor Lerp(Tensor end, double weight) => O("aten::lerp", "Scalar").Call(this, end, weight);

    // comparisons (bool tensors); C#'s == stays reference equality
    public Tensor Eq(Tensor other) => O("aten::eq", "Tensor").Call(this, other);
    public Tensor Eq(double other) => O("aten::eq", "Scalar").Call(this, other);
    public Tensor Eq(long other) => O("aten::eq", "Scalar").Call(this, other);
    public Tensor Ne(Tensor other) => O("aten::ne", "Tensor").Call(this, other);
    public Tensor Ne(double other) => O("aten::ne", "Scalar").Call(this, other);
    public Tensor Lt(Tensor other) => O("aten::lt", "Tensor").Call(this, other);
    public Tensor Lt(double other) => O("aten::lt", "Scalar").Call(this, other);
    public Tensor Le(Tensor other) => O("aten::le", "Tensor").Call(this, other);
    public Tensor Le(double other) => O("aten::le", "Scalar").Call(this, other);
    public Tensor Gt(Tensor other) => O("aten::gt", "Tensor").Call(this, other);
    public Tensor Gt(double other) => O("aten::gt", "Scalar").Call(this, other);
    public Tensor Ge(Tensor other) => O("aten::ge", "Tensor").Call(this, other);
    public Tensor Ge(double other) => O("aten::ge", "Scalar").Call(this, other);
    public Tensor LogicalNot() => O("aten::logical_not").Call(this);
    public Tensor LogicalAnd(Tensor other) => O("aten::logical_and").Call(this, other);
    public Tensor LogicalOr(Tensor other) => O("aten::logical_or").Call(this, other);
    public Tensor IsNan() => O("aten::isnan").Call(this);
    public Tensor IsFinite() => O("aten::isfinite").Call(this);
    /// <summary>True when every element is equal (same shape and values).</summary>
    public bool Equal(Tensor other) => O("aten::equal").CallScalar(this, other) != 0;
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) => O("aten::allclose").CallScalar(this, other, rtol, atol) != 0;

    // matrix products
    public Tensor Matmul(Tensor other) => O("aten::matmul").Call(this, other);
    public Tensor Mm(Tensor other) => O("aten::mm").Call(this, other);
    public Tensor Bmm(Tensor other) => O("aten::bmm").Call(this, other);
    public Tensor T() => O("aten::t").Call(this);

    // in-place (for optimizers and buffers; no autograd on leaves that require grad)
    public Tensor Add_(Tensor other, double alpha = 1) { O("aten::add_", "Tensor").CallVoid(this, other, ((Arg)alpha).Named("alpha")); return this; }
    public Tensor Add_(double other) { O("aten::add_", "Scalar").CallVoid(this, other); return this; }
    public Tensor Sub_(Tensor other, double alpha = 1) { O("aten::sub_", "Tensor").CallVoid(this, other, ((Arg)alpha).Named("alpha")); return this; }
    public Tensor Mul_(Tensor other) { O("aten::mul_", "Tensor").CallVoid(this, other); return this; }
    public Tensor Mul_(double other) { O("aten::mul_", "Scalar").CallVoid(this, other); return this; }
    public Tensor Div_(Tensor other) { O("aten::div_", "Tensor").CallVoid(this, other); return this; }
    public Tensor Div_(double other) { O("aten::div_", "Scalar").CallVoid(this, other); return this; }
    public Tensor Addcmul_(Tensor t1, Tensor t2, double value = 1) { O("aten::addcmul_").CallVoid(this, t1, t2, ((Arg)value).Named("value")); return this; }
    public Tensor Addcdiv_(Tensor t1, Tensor t2, double value = 1) { O("aten::addcdiv_").CallVoid(this, t1, t2, ((Arg)value).Named("value")); return this; }
    public Tensor Lerp_(Tensor end, double weight) { O("aten::lerp_", "Scalar").CallVoid(this, end, weight); return this; }
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        O("aten::clamp_").CallVoid(this, min.HasValue ? (Arg)min.Value : Arg.None, max.HasValue ? (Arg)max.Value : Arg.None);
        return this;
    }
    public Tensor Zero_() { O("aten::zero_").CallVoid(this); return this; }
    public Tensor Fill_(double value) { O("aten::fill_", "Scalar").CallVoid(this, value); return this; }
    public Tensor Copy_(Tensor src) { O("aten::copy_").CallVoid(this, src); return this; }
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null) { O("aten::uniform_").CallVoid(this, from, to, generator); return this; }
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null) { O("aten::normal_").CallVoid(this, mean, std, generator); return this; }
}
