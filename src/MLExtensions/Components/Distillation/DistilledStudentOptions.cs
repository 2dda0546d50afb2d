namespace MLExtensions.Components.Distillation;

/// <summary>What a precomputed teacher column holds.</summary>
public enum TeacherOutputKind
{
    /// <summary>Raw logits (any real numbers).</summary>
    Logits,

    /// <summary>Probabilities (non-negative, each row summing to 1).</summary>
    Probabilities,
}

/// <summary>Options of <see cref="DistilledStudent"/>.</summary>
public sealed class DistilledStudentOptions
{
    /// <summary>The float-vector column of features (default "Features").</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column (default "Label"). Rows with an empty or NaN label, and a data set without the column, train on soft targets alone.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// A column of precomputed teacher outputs (offline distillation: no teacher model at training time), or null to
    /// use teacher models. Its slot names, when present, are the class names.
    /// </summary>
    public string? TeacherColumnName { get; set; }

    /// <summary>What <see cref="TeacherColumnName"/> holds (default logits).</summary>
    public TeacherOutputKind TeacherColumnKind { get; set; } = TeacherOutputKind.Logits;

    /// <summary>The softening temperature T (default 4).</summary>
    public double Temperature { get; set; } = 4;

    /// <summary>The weight of the soft (teacher) term on labelled rows; 1 - Alpha weighs the label's cross-entropy (default 0.9).</summary>
    public double Alpha { get; set; } = 0.9;

    /// <summary>Hidden layer widths of the student (default 64).</summary>
    public int[] HiddenSizes { get; set; } = [64];

    /// <summary>Student dropout (default 0).</summary>
    public double Dropout { get; set; }

    /// <summary>Whether the student's hidden layers use batch normalisation (default false).</summary>
    public bool BatchNorm { get; set; }

    /// <summary>
    /// Weight of the hint loss: the MSE between a student hidden layer, mapped by a learned linear projection, and a
    /// teacher hidden layer (default 0: off). Needs a <see cref="Classification.NeuralClassifierModel"/> teacher (the first one is used).
    /// </summary>
    public double HintWeight { get; set; }

    /// <summary>The teacher hidden layer the hint follows (negative counts from the last; default -1).</summary>
    public int TeacherHintLayer { get; set; } = -1;

    /// <summary>The student hidden layer that gives the hint (negative counts from the last; default -1).</summary>
    public int StudentHintLayer { get; set; } = -1;

    /// <summary>The most passes over the training rows (default 100).</summary>
    public int Epochs { get; set; } = 100;

    /// <summary>Rows per training step (default 128).</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>AdamW learning rate (default 3e-3).</summary>
    public double LearningRate { get; set; } = 3e-3;

    /// <summary>AdamW decoupled weight decay (default 1e-4).</summary>
    public double WeightDecay { get; set; } = 1e-4;

    /// <summary>Share of the training rows (not the transfer rows) held out to pick the best epoch and to report on (default 0.1).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Epochs without a better validation accuracy before training stops (default 15; 0 disables early stopping).</summary>
    public int EarlyStoppingPatience { get; set; } = 15;

    /// <summary>Seed of initialisation, shuffling and the validation split; null takes one from the context.</summary>
    public int? Seed { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrEmpty(FeatureColumnName)) throw new ArgumentException("FeatureColumnName is empty");
        if (string.IsNullOrEmpty(LabelColumnName)) throw new ArgumentException("LabelColumnName is empty");
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive");
        if (Alpha is < 0 or > 1 || double.IsNaN(Alpha)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha lies in [0, 1]");
        if (HiddenSizes is null || HiddenSizes.Any(h => h < 1)) throw new ArgumentException("HiddenSizes must be positive widths");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout lies in [0, 1)");
        if (HintWeight < 0) throw new ArgumentOutOfRangeException(nameof(HintWeight), HintWeight, "HintWeight must not be negative");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Epochs must be at least 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive");
        if (WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must not be negative");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction lies in [0, 1)");
        if (EarlyStoppingPatience < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must not be negative");
    }
}
