namespace MLExtensions.Torch.Interop;

/// <summary>
/// One argument of a boxed ATen call: a tensor, number, list, dtype, device, string or None, optionally
/// named after the schema's argument (<c>new Arg(true).Named("keepdim")</c>). Implicit conversions make
/// <c>op.Call(x, 1L, true)</c> read like the schema.
/// </summary>
public readonly struct Arg
{
    internal readonly ArgKind Kind;
    internal readonly long I;
    internal readonly double D;
    internal readonly object? O;
    internal readonly string? Name;

    private Arg(ArgKind kind, long i, double d, object? o, string? name)
    {
        Kind = kind; I = i; D = d; O = o; Name = name;
    }

    public static readonly Arg None = new(ArgKind.None, 0, 0, null, null);

    public Arg Named(string name) => new(Kind, I, D, O, name);

    public static implicit operator Arg(Tensor? t) => t is null ? None : new(ArgKind.Tensor, 0, 0, t, null);
    public static implicit operator Arg(long v) => new(ArgKind.Int, v, 0, null, null);
    public static implicit operator Arg(int v) => new(ArgKind.Int, v, 0, null, null);
    public static implicit operator Arg(double v) => new(ArgKind.Double, 0, v, null, null);
    public static implicit operator Arg(float v) => new(ArgKind.Double, 0, v, null, null);
    public static implicit operator Arg(bool v) => new(ArgKind.Bool, v ? 1 : 0, 0, null, null);
    public static implicit operator Arg(long[] v) => new(ArgKind.IntList, 0, 0, v, null);
    public static implicit operator Arg(double[] v) => new(ArgKind.DoubleList, 0, 0, v, null);
    public static implicit operator Arg(bool[] v) => new(ArgKind.BoolList, 0, 0, v, null);
    public static implicit operator Arg(Tensor?[] v) => new(ArgKind.TensorList, 0, 0, v, null);
    public static implicit operator Arg(ScalarType v) => new(ArgKind.Int, (long)v, 0, null, null);
    public static implicit operator Arg(Device v) => new(ArgKind.Device, (long)v.Type, v.Index, null, null);
    public static implicit operator Arg(string v) => new(ArgKind.String, 0, 0, v, null);
    public static implicit operator Arg(Generator? g) => g is null ? None : new(ArgKind.Generator, 0, 0, g, null);

    /// <summary>An optional dtype: None when null.</summary>
    public static Arg From(ScalarType? v) => v.HasValue ? (Arg)v.Value : None;
}
