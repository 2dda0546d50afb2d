namespace MLExtensions.Components.Classification;

/// <summary>
/// The options every MLP trainer of this pack shares (<see cref="NeuralClassifierOptions"/>,
/// <see cref="Distillation.DistilledStudentOptions"/>): columns, architecture, AdamW, validation split and early stopping.
/// Each trainer sets its own defaults.
/// </summary>
public abstract class MlpTrainingOptions
{
    private protected MlpTrainingOptions(int[] hiddenSizes, double dropout, int epochs, double learningRate, int patience)
    {
        HiddenSizes = hiddenSizes;
        Dropout = dropout;
        Epochs = epochs;
        LearningRate = learningRate;
        EarlyStoppingPatience = patience;
    }

    /// <summary>The float-vector column of features (default "Features").</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column: text, key or float (default "Label").</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Widths of the hidden layers, input side first. Empty: a linear (softmax regression) model.</summary>
    public int[] HiddenSizes { get; set; }

    /// <summary>Dropout after each hidden layer.</summary>
    public double Dropout { get; set; }

    /// <summary>Whether each hidden layer is followed by batch normalisation (default false).</summary>
    public bool BatchNorm { get; set; }

    /// <summary>The most passes over the training rows.</summary>
    public int Epochs { get; set; }

    /// <summary>Rows per training step (default 128).</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>AdamW learning rate.</summary>
    public double LearningRate { get; set; }

    /// <summary>AdamW decoupled weight decay (default 1e-4).</summary>
    public double WeightDecay { get; set; } = 1e-4;

    /// <summary>Share of the labelled training rows held out to pick the best epoch (default 0.1; 0: no validation).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Epochs without a better validation accuracy before training stops (0 disables early stopping).</summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>Seed of weight initialisation, shuffling and the validation split; null takes one from the context.</summary>
    public int? Seed { get; set; }

    /// <summary>Throws on an out-of-range option, naming it.</summary>
    internal virtual void Validate()
    {
        if (string.IsNullOrEmpty(FeatureColumnName)) throw new ArgumentException("FeatureColumnName is empty");
        if (string.IsNullOrEmpty(LabelColumnName)) throw new ArgumentException("LabelColumnName is empty");
        if (HiddenSizes is null || HiddenSizes.Any(h => h < 1)) throw new ArgumentException("HiddenSizes must be positive widths");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout lies in [0, 1)");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive");
        if (WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must not be negative");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction lies in [0, 1)");
        if (EarlyStoppingPatience < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must not be negative");
    }
}
