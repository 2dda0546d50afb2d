namespace MLExtensions.Torch.Optim;

/// <summary>
/// Sets the learning rate of every parameter group as a function of the step count and the group's
/// initial learning rate. The rate for step 0 is applied on construction; call <see cref="Step"/> once after
/// each <see cref="Optimizer.Step"/>.
/// </summary>
public abstract class LrScheduler
{
    protected LrScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        BaseLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    public Optimizer Optimizer { get; }

    /// <summary>Each group's learning rate when the scheduler was created.</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>Steps taken so far (the rate in force is the one for this step).</summary>
    public int CurrentStep { get; private set; }

    /// <summary>The learning rate for <paramref name="step"/> of a group that started at <paramref name="baseLearningRate"/>.</summary>
    public abstract double LearningRateAt(int step, double baseLearningRate);

    /// <summary>Advances one step and applies the new rates.</summary>
    public void Step()
    {
        CurrentStep++;
        Apply();
    }

    /// <summary>Jumps to <paramref name="step"/> (e.g. when resuming) and applies its rates.</summary>
    public void SetStep(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        CurrentStep = step;
        Apply();
    }

    /// <summary>Applies the rates for the current step; concrete schedulers call it at the end of their constructor.</summary>
    protected void Apply()
    {
        for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
            Optimizer.ParamGroups[i].LearningRate = LearningRateAt(CurrentStep, BaseLearningRates[i]);
    }
}

/// <summary>
/// Linear warm-up then cosine decay: for step s &lt; W, lr = base * (s + 1) / W; afterwards, with
/// p = min(1, (s - W) / max(1, T - W)), lr = min + (base - min) * (1 + cos(pi * p)) / 2; after T steps the rate stays at min.
/// </summary>
public sealed class CosineWithWarmup : LrScheduler
{
    public CosineWithWarmup(Optimizer optimizer, int warmupSteps, int totalSteps, double minLearningRate = 0) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        if (warmupSteps > totalSteps) throw new ArgumentException($"warm-up ({warmupSteps} steps) is longer than the schedule ({totalSteps} steps)", nameof(warmupSteps));
        if (!(minLearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "minimum learning rate must be >= 0");
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
        Apply();
    }

    public int WarmupSteps { get; }
    public int TotalSteps { get; }
    public double MinLearningRate { get; }

    public override double LearningRateAt(int step, double baseLearningRate)
    {
        if (step < WarmupSteps) return baseLearningRate * (step + 1) / WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return MinLearningRate + (baseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps: lr = base * gamma^floor(s / stepSize).</summary>
public sealed class StepLR : LrScheduler
{
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be >= 0");
        StepSize = stepSize;
        Gamma = gamma;
        Apply();
    }

    public int StepSize { get; }
    public double Gamma { get; }

    public override double LearningRateAt(int step, double baseLearningRate) => baseLearningRate * Math.Pow(Gamma, step / StepSize);
}

/// <summary>Linear decay from the base rate towards 0: lr = base * max(0, 1 - s / T); after T steps the rate stays at 0.</summary>
public sealed class LinearDecay : LrScheduler
{
    public LinearDecay(Optimizer optimizer, int totalSteps) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        TotalSteps = totalSteps;
        Apply();
    }

    public int TotalSteps { get; }

    public override double LearningRateAt(int step, double baseLearningRate) =>
        baseLearningRate * Math.Max(0.0, 1.0 - (double)step / Math.Max(1, TotalSteps));
}
