namespace MLExtensions.Torch.Optim;

/// <summary>
/// Adagrad (Duchi et al. 2011), torch's rule without learning-rate decay: g = grad + wd · p;
/// sum += g²; p −= lr · g / (√sum + ε). The optimizer of the N3-regularised ComplEx results of Lacroix et al. (2018).
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Optimises <paramref name="parameters"/>; <paramref name="eps"/> is torch's default 1e-10.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double learningRate, double weightDecay = 0, double eps = 1e-10)
        : base(parameters, learningRate, weightDecay)
    {
        if (eps <= 0 || double.IsNaN(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive");
        Eps = eps;
    }

    /// <summary>ε added to the root of the accumulated squares.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        var g = group.WeightDecay != 0 ? grad.Add(param, group.WeightDecay) : grad;
        var sum = state.GetOrCreate("sum", () => torch.ZerosLike(param));
        sum.Addcmul_(g, g);
        param.Addcdiv_(g, sum.Sqrt().Add_(Eps), -group.LearningRate);
    }
}
