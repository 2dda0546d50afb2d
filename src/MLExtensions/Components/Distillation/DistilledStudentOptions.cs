using MLExtensions.Components.Classification;

namespace MLExtensions.Components.Distillation;

/// <summary>What a precomputed teacher column holds.</summary>
public enum TeacherOutputKind
{
    /// <summary>Raw logits (any real numbers).</summary>
    Logits,

    /// <summary>Probabilities (non-negative, each row summing to 1).</summary>
    Probabilities,
}

/// <summary>
/// Options of <see cref="DistilledStudent"/>. Defaults of the shared options: hidden 64; no dropout; at most 100 epochs;
/// learning rate 3e-3; early-stopping patience 15. The validation split takes training rows only, never transfer rows.
/// </summary>
public sealed class DistilledStudentOptions() : MlpTrainingOptions([64], dropout: 0, epochs: 100, learningRate: 3e-3, patience: 15)
{
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

    /// <summary>
    /// Weight of the hint loss: the MSE between a student hidden layer, mapped by a learned linear projection, and a
    /// teacher hidden layer (default 0: off). Needs a <see cref="Classification.NeuralClassifierModel"/> teacher (the first one is used).
    /// </summary>
    public double HintWeight { get; set; }

    /// <summary>The teacher hidden layer the hint follows (negative counts from the last; default -1).</summary>
    public int TeacherHintLayer { get; set; } = -1;

    /// <summary>The student hidden layer that gives the hint (negative counts from the last; default -1).</summary>
    public int StudentHintLayer { get; set; } = -1;

    internal override void Validate()
    {
        base.Validate();
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be positive");
        if (Alpha is < 0 or > 1 || double.IsNaN(Alpha)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha lies in [0, 1]");
        if (HintWeight < 0) throw new ArgumentOutOfRangeException(nameof(HintWeight), HintWeight, "HintWeight must not be negative");
    }
}
