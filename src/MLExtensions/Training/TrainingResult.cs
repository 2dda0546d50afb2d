namespace MLExtensions.Training;

/// <summary>The outcome of <see cref="TrainingLoop.Run"/>.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(IReadOnlyList<EpochSummary> history, long steps, bool stoppedEarly, int? bestEpoch, double? bestMetric, bool restored, TimeSpan elapsed)
    {
        History = history;
        Steps = steps;
        StoppedEarly = stoppedEarly;
        BestEpoch = bestEpoch;
        BestMetric = bestMetric;
        RestoredBestWeights = restored;
        Elapsed = elapsed;
    }

    /// <summary>One entry per epoch run.</summary>
    public IReadOnlyList<EpochSummary> History { get; }

    /// <summary>Epochs run.</summary>
    public int Epochs => History.Count;

    /// <summary>Steps run.</summary>
    public long Steps { get; }

    /// <summary>Whether early stopping ended the run before the last epoch.</summary>
    public bool StoppedEarly { get; }

    /// <summary>The epoch with the best validation metric (with early stopping), or null.</summary>
    public int? BestEpoch { get; }

    /// <summary>The best validation metric (with early stopping), or null.</summary>
    public double? BestMetric { get; }

    /// <summary>Whether the module was given back the weights of <see cref="BestEpoch"/>.</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>The mean loss of the last epoch.</summary>
    public double FinalLoss => History.Count == 0 ? double.NaN : History[^1].MeanLoss;

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; }
}
