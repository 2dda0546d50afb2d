namespace MLExtensions.Torch.Optim;

/// <summary>
/// Stochastic gradient descent, torch's rule: g = grad + wd * p; with momentum, buf = g at the first step,
/// then buf = momentum * buf + (1 - dampening) * g; g = g + momentum * buf (Nesterov) or g = buf; p -= lr * g.
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, learningRate, weightDecay) => (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);

    public SGD(IEnumerable<ParamGroup> groups, double learningRate, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(groups, learningRate, weightDecay) => (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);

    private static (double, double, bool) Validate(double momentum, double dampening, bool nesterov)
    {
        if (momentum < 0 || double.IsNaN(momentum)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and zero dampening");
        return (momentum, dampening, nesterov);
    }

    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        var d = group.WeightDecay != 0 ? grad.Add(param, group.WeightDecay) : grad;
        if (Momentum != 0)
        {
            var buf = state.Get("momentum_buffer");
            if (buf is null) buf = state.GetOrCreate("momentum_buffer", () => d.Clone());
            else buf.Mul_(Momentum).Add_(d, 1 - Dampening);
            d = Nesterov ? d.Add(buf, Momentum) : buf;
        }
        param.Add_(d, -group.LearningRate);
    }
}
