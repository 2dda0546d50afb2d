namespace MLExtensions.Training;

/// <summary>The shape of a training run: epochs, steps, validation, early stopping and progress reporting.</summary>
public sealed class TrainingLoopOptions
{
    /// <summary>The most epochs to run (default 10).</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Training steps (mini-batches or episodes) per epoch. Required.</summary>
    public int StepsPerEpoch { get; set; }

    /// <summary>The name of the validation metric, for progress and logs (default "metric").</summary>
    public string MetricName { get; set; } = "metric";

    /// <summary>Validate every this many epochs (default 1); the last epoch is always validated.</summary>
    public int ValidateEveryEpochs { get; set; } = 1;

    /// <summary>Early stopping on the validation metric, or null to run every epoch.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; set; }

    /// <summary>Receives progress every <see cref="ReportEverySteps"/> steps and after each validation.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>How often step progress is reported (default every step).</summary>
    public int ReportEverySteps { get; set; } = 1;

    /// <summary>Whether a NaN or infinite loss stops training with an error (default true).</summary>
    public bool StopOnNonFiniteLoss { get; set; } = true;

    /// <summary>
    /// Wall-clock budget: after an epoch, training stops (as early stopping does, best weights restored) when one more
    /// epoch of the mean length so far would end past it. Null (default) = no budget.
    /// </summary>
    public TimeSpan? MaxDuration { get; set; }
}
