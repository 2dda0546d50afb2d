namespace MLExtensions.Torch.Optim;

/// <summary>
/// Adam with bias correction: g = grad (+ wd * p, L2 style); m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). AMSGrad keeps the running maximum of v.
/// </summary>
public class Adam : Optimizer
{
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false)
        : this(parameters, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false) { }

    public Adam(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false)
        : this(groups, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false) { }

    private protected Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool amsgrad, bool decoupled)
        : base(parameters, learningRate, weightDecay) => Configure(beta1, beta2, eps, amsgrad, decoupled);

    private protected Adam(IEnumerable<ParamGroup> groups, double learningRate, double beta1, double beta2, double eps, double weightDecay,
        bool amsgrad, bool decoupled)
        : base(groups, learningRate, weightDecay) => Configure(beta1, beta2, eps, amsgrad, decoupled);

    private void Configure(double beta1, double beta2, double eps, bool amsgrad, bool decoupled)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        Beta1 = beta1; Beta2 = beta2; Eps = eps; Amsgrad = amsgrad; DecoupledWeightDecay = decoupled;
    }

    public double Beta1 { get; private set; }
    public double Beta2 { get; private set; }
    public double Eps { get; private set; }
    public bool Amsgrad { get; private set; }
    /// <summary>True for AdamW: weight decay shrinks the parameter directly instead of entering the gradient.</summary>
    public bool DecoupledWeightDecay { get; private set; }

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        double lr = group.LearningRate, wd = group.WeightDecay;
        var g = grad;
        if (wd != 0)
        {
            if (DecoupledWeightDecay) param.Mul_(1 - lr * wd);
            else g = grad.Add(param, wd);
        }

        var m = state.GetOrCreate("exp_avg", () => Torch.ZerosLike(param));
        var v = state.GetOrCreate("exp_avg_sq", () => Torch.ZerosLike(param));
        m.Lerp_(g, 1 - Beta1);
        v.Mul_(Beta2).Addcmul_(g, g, 1 - Beta2);

        double t = state.Step;
        double bc1 = 1 - Math.Pow(Beta1, t);
        double bc2 = 1 - Math.Pow(Beta2, t);
        var second = v;
        if (Amsgrad)
        {
            var vmax = state.GetOrCreate("max_exp_avg_sq", () => Torch.ZerosLike(param));
            vmax.Copy_(Torch.Maximum(vmax, v));
            second = vmax;
        }
        var denom = second.Sqrt().Div_(Math.Sqrt(bc2)).Add_(Eps);
        param.Addcdiv_(m, denom, -lr / bc1);
    }
}

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter): p *= 1 - lr * wd before the Adam update,
/// which itself sees the raw gradient. Default weight decay 0.01 like torch.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.01, bool amsgrad = false)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true) { }

    public AdamW(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0.01, bool amsgrad = false)
        : base(groups, learningRate, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true) { }
}
