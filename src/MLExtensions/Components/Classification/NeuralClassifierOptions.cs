namespace MLExtensions.Components.Classification;

/// <summary>Options of <see cref="NeuralClassifier"/>: an MLP over a feature vector, trained with AdamW.</summary>
public sealed class NeuralClassifierOptions
{
    /// <summary>The float-vector column of features (default "Features").</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column: text, key or float (default "Label").</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Widths of the hidden layers, input side first (default 256, 256). Empty: a linear (softmax regression) model.</summary>
    public int[] HiddenSizes { get; set; } = [256, 256];

    /// <summary>Dropout after each hidden layer (default 0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Whether each hidden layer is followed by batch normalisation (default false).</summary>
    public bool BatchNorm { get; set; }

    /// <summary>The most passes over the training rows (default 60).</summary>
    public int Epochs { get; set; } = 60;

    /// <summary>Rows per training step (default 128).</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>AdamW learning rate (default 1e-3).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>AdamW decoupled weight decay (default 1e-4).</summary>
    public double WeightDecay { get; set; } = 1e-4;

    /// <summary>Share of the labelled rows held out to pick the best epoch (default 0.1; 0 trains on all rows for every epoch).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Epochs without a better validation accuracy before training stops (default 10; 0 disables early stopping).</summary>
    public int EarlyStoppingPatience { get; set; } = 10;

    /// <summary>Seed of weight initialisation, shuffling and the validation split; null takes one from the context.</summary>
    public int? Seed { get; set; }

    internal void Validate()
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
