namespace MLExtensions.Torch.NN;

/// <summary>
/// y = x W^T + b with W [out, in]. Initialised like torch: W and b uniform in ±1/sqrt(in).
/// </summary>
public sealed class Linear : Layer
{
    public Linear(long inFeatures, long outFeatures, bool bias = true, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var w = Torch.Empty([outFeatures, inFeatures], dtype, device);
        Init.KaimingUniform_(w);
        RegisterParameter("weight", w);
        if (bias)
        {
            double bound = inFeatures > 0 ? 1.0 / Math.Sqrt(inFeatures) : 0;
            var b = Torch.Empty([outFeatures], dtype, device);
            Init.Uniform_(b, -bound, bound);
            RegisterParameter("bias", b);
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Tensor Weight => GetParameter("weight")!;
    public Tensor? Bias => GetParameter("bias");

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    protected override string ExtraDescription() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Bias is not null}";
}
