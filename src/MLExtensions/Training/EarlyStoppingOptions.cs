namespace MLExtensions.Training;

/// <summary>When to stop training because the validation metric no longer improves.</summary>
public sealed class EarlyStoppingOptions
{
    /// <summary>Validations in a row without improvement before training stops (default 5).</summary>
    public int Patience { get; set; } = 5;

    /// <summary>
    /// Training runs at least this many epochs before early stopping may end it (default 0: from the first
    /// validation). The best weights are tracked from the start. For models whose validation metric stays flat
    /// for a while before it rises (graph encoders on large graphs, for example).
    /// </summary>
    public int MinEpochs { get; set; }

    /// <summary>The smallest change that counts as an improvement (default 0: any strict improvement).</summary>
    public double MinDelta { get; set; }

    /// <summary>True when a larger metric is better (accuracy, MRR); false for losses and errors. Default true.</summary>
    public bool Maximize { get; set; } = true;

    /// <summary>Whether the module gets back the weights of its best validation when training ends (default true).</summary>
    public bool RestoreBestWeights { get; set; } = true;
}
