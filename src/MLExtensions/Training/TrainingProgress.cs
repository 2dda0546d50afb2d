namespace MLExtensions.Training;

/// <summary>A progress report from <see cref="TrainingLoop"/>. Epochs and steps count from 1.</summary>
public sealed record TrainingProgress
{
    /// <summary>The current epoch.</summary>
    public required int Epoch { get; init; }

    /// <summary>The most epochs the run will take.</summary>
    public required int Epochs { get; init; }

    /// <summary>Steps completed since the start.</summary>
    public required long Step { get; init; }

    /// <summary>Steps in the whole run if it is not stopped early.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>The mean training loss of the current epoch so far.</summary>
    public required double Loss { get; init; }

    /// <summary>The name of the validation metric.</summary>
    public required string MetricName { get; init; }

    /// <summary>The latest validation value, or null before the first validation.</summary>
    public double? Metric { get; init; }

    /// <summary>The best validation value so far (with early stopping), or null.</summary>
    public double? BestMetric { get; init; }

    /// <summary>True for the report made right after a validation.</summary>
    public bool IsValidation { get; init; }

    /// <summary>Time since the run started.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Estimated time to the end of the last epoch, or null before the first step.</summary>
    public TimeSpan? Eta { get; init; }

    /// <summary>Fraction of the planned steps done, 0..1.</summary>
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;
}
