namespace MLExtensions.Components.LinkPrediction;

/// <summary>Options of <see cref="GraphLinkPredictionTrainer"/> (homogeneous graphs, GraphSAGE or GCN encoder).</summary>
public sealed class GraphLinkPredictionOptions
{
    /// <summary>Name of the source column in a <see cref="Data.DataBatch"/> (default "Source").</summary>
    public string SourceColumnName { get; set; } = "Source";
    /// <summary>Name of the target column (default "Target").</summary>
    public string TargetColumnName { get; set; } = "Target";

    /// <summary>The encoder (default GraphSAGE).</summary>
    public GraphEncoderKind Encoder { get; set; } = GraphEncoderKind.GraphSage;
    /// <summary>The decoder (default dot product).</summary>
    public GraphLinkDecoder Decoder { get; set; } = GraphLinkDecoder.Dot;
    /// <summary>Width of every layer and of the node representations (default 64).</summary>
    public int Dim { get; set; } = 64;
    /// <summary>Message-passing layers (default 2).</summary>
    public int Layers { get; set; } = 2;

    /// <summary>Random nodes per positive edge, replacing one end chosen at random (default 8).</summary>
    public int NegativesPerPositive { get; set; } = 8;
    /// <summary>Self-adversarial temperature of the loss (default 0: −log σ(s⁺) − mean log σ(−s⁻)).</summary>
    public double AdversarialTemperature { get; set; }
    /// <summary>
    /// Hide the edges a step scores from that step's message passing (default true), so that the model learns to
    /// predict links it does not see, as at scoring time, rather than to recognise the edge in its own input.
    /// </summary>
    public bool HideScoredEdges { get; set; } = true;

    /// <summary>
    /// Each step, this fraction of the nodes (drawn at random) receives no messages, so the model also learns to
    /// score nodes from their own features alone, as it must for an unseen node given without edges (default 0.2; ignored without node features).
    /// </summary>
    public double ColdStartFraction { get; set; } = 0.2;

    /// <summary>Maximum epochs (default 100).</summary>
    public int Epochs { get; set; } = 100;
    /// <summary>Positive edges per step (default 512).</summary>
    public int BatchSize { get; set; } = 512;
    /// <summary>AdamW learning rate (default 0.01).</summary>
    public double LearningRate { get; set; } = 0.01;
    /// <summary>AdamW decoupled weight decay (default 0).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Validate (filtered MRR on the validation edges) every this many epochs (default 1).</summary>
    public int ValidateEveryEpochs { get; set; } = 1;
    /// <summary>Validations without improvement before stopping; 0 turns early stopping off (default 10).</summary>
    public int EarlyStoppingPatience { get; set; } = 10;
    /// <summary>Epochs trained before early stopping may end the run (default 0). Encoder models can stay near chance
    /// for their first epochs on large graphs before the validation MRR rises.</summary>
    public int EarlyStoppingMinEpochs { get; set; }
    /// <summary>Query rows scored per forward pass in evaluation and top-k (default 256).</summary>
    public int EvaluationBatchSize { get; set; } = 256;

    internal void Validate()
    {
        if (Dim < 1) throw new ArgumentException($"Dim must be at least 1 (got {Dim})");
        if (Layers < 1) throw new ArgumentException($"Layers must be at least 1 (got {Layers})");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1 (got {BatchSize})");
        if (LearningRate <= 0) throw new ArgumentException($"LearningRate must be positive (got {LearningRate})");
        if (NegativesPerPositive < 1) throw new ArgumentException($"NegativesPerPositive must be at least 1 (got {NegativesPerPositive})");
        if (AdversarialTemperature < 0) throw new ArgumentException($"AdversarialTemperature must not be negative (got {AdversarialTemperature})");
        if (ColdStartFraction is < 0 or >= 1) throw new ArgumentException($"ColdStartFraction must be in [0, 1) (got {ColdStartFraction})");
        if (ValidateEveryEpochs < 1) throw new ArgumentException($"ValidateEveryEpochs must be at least 1 (got {ValidateEveryEpochs})");
        if (EarlyStoppingPatience < 0) throw new ArgumentException($"EarlyStoppingPatience must not be negative (got {EarlyStoppingPatience})");
        if (EarlyStoppingMinEpochs < 0) throw new ArgumentException($"EarlyStoppingMinEpochs must not be negative (got {EarlyStoppingMinEpochs})");
        if (EvaluationBatchSize < 1) throw new ArgumentException($"EvaluationBatchSize must be at least 1 (got {EvaluationBatchSize})");
    }
}
