namespace MLExtensions.Components.LinkPrediction;

/// <summary>How link-prediction training scores negatives.</summary>
public enum LinkPredictionTrainingMode
{
    /// <summary>Each (h, r, ?) and (?, r, t) query against all entities, BCE with label smoothing (<see cref="OneToNBceLoss"/>).</summary>
    OneToN,
    /// <summary>Each triple against K corrupted ones, with self-adversarial weighting (<see cref="SelfAdversarialNegativeSamplingLoss"/>).</summary>
    NegativeSampling,
    /// <summary>
    /// 1vsAll: each training triple gives two queries, (h, r, ?) with answer t and (?, r, t) with answer h, each
    /// scored against all entities with softmax cross-entropy (<see cref="OneVsAllCrossEntropyLoss"/>).
    /// </summary>
    OneVsAll,
}

/// <summary>The optimizer of link-prediction training.</summary>
public enum KgeOptimizer
{
    /// <summary>AdamW (row-wise for the entity table with negative sampling, see <see cref="LinkPredictionOptions.RowwiseEntityUpdates"/>).</summary>
    AdamW,
    /// <summary>Adagrad (<see cref="MLExtensions.Torch.Optim.Adagrad"/>), dense updates.</summary>
    Adagrad,
}

/// <summary>Which entity encoder runs before the decoder.</summary>
public enum EntityEncoderKind
{
    /// <summary>None: plain knowledge-graph embeddings.</summary>
    None,
    /// <summary>R-GCN over the training graph (<see cref="RgcnEncoder"/>), inverse relations and self-loops added.</summary>
    Rgcn,
    /// <summary>CompGCN-style composition encoder (<see cref="CompGcnEncoder"/>).</summary>
    CompGcn,
}

/// <summary>Options of <see cref="LinkPredictionTrainer"/>. Defaults suit a WordNet-sized graph with DistMult.</summary>
public sealed class LinkPredictionOptions
{
    /// <summary>Name of the head column in a <see cref="Data.DataBatch"/> (default "Head").</summary>
    public string HeadColumnName { get; set; } = "Head";
    /// <summary>Name of the relation column (default "Relation").</summary>
    public string RelationColumnName { get; set; } = "Relation";
    /// <summary>Name of the tail column (default "Tail").</summary>
    public string TailColumnName { get; set; } = "Tail";

    /// <summary>The decoder (default DistMult).</summary>
    public KgeModelKind Model { get; set; } = KgeModelKind.DistMult;
    /// <summary>Embedding size (complex models use this many complex numbers). Default 200.</summary>
    public int Dim { get; set; } = 200;
    /// <summary>γ of RotatE and TransE (score = γ − distance). Default 6.</summary>
    public double Margin { get; set; } = 6.0;
    /// <summary>TransE's distance norm, 1 or 2. Default 1.</summary>
    public int TransENorm { get; set; } = 1;

    /// <summary>Entity encoder in front of the decoder (default none: the decoder scores the entity table directly).</summary>
    public EntityEncoderKind Encoder { get; set; } = EntityEncoderKind.None;
    /// <summary>Graph convolution layers of the encoder (default 1).</summary>
    public int EncoderLayers { get; set; } = 1;
    /// <summary>R-GCN bases (basis decomposition) or blocks (block-diagonal; must divide the entity width). Default 4.</summary>
    public int EncoderBases { get; set; } = 4;
    /// <summary>CompGCN composition (default multiply).</summary>
    public CompGcnComposition CompGcnComposition { get; set; } = CompGcnComposition.Multiply;
    /// <summary>R-GCN relation-matrix decomposition (default basis).</summary>
    public RgcnDecomposition RgcnDecomposition { get; set; } = RgcnDecomposition.Basis;
    /// <summary>
    /// A learned per-entity score bias (<see cref="KgeModel.AddEntityBias"/>; 1-N and 1vsAll training), starting where
    /// every 1-N probability is 1 / entities (<see cref="KgeModel.PriorEntityBias"/>). Default (null): on for 1-N
    /// training, where without it the scores of a large graph start at probability ½ for every entity and training
    /// spends its first epochs bringing them down; off for 1vsAll and negative sampling.
    /// </summary>
    public bool? EntityBias { get; set; }

    /// <summary>Whether the model gets the entity bias: <see cref="EntityBias"/>, or by default whether training is 1-N.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool UsesEntityBias => EntityBias ?? Mode == LinkPredictionTrainingMode.OneToN;

    /// <summary>1-N scoring (BCE), 1vsAll (cross-entropy) or negative sampling (default 1-N).</summary>
    public LinkPredictionTrainingMode Mode { get; set; } = LinkPredictionTrainingMode.OneToN;
    /// <summary>Label smoothing ε of the 1-N BCE loss (default 0.1; the 1vsAll cross-entropy is not smoothed).</summary>
    public double LabelSmoothing { get; set; } = 0.1;
    /// <summary>Negatives per positive with negative sampling (default 64).</summary>
    public int NegativesPerPositive { get; set; } = 64;
    /// <summary>
    /// With negative sampling and no encoder, update only the entity rows each step touches (<see cref="RowwiseAdamW"/>)
    /// instead of the whole table (default true).
    /// </summary>
    public bool RowwiseEntityUpdates { get; set; } = true;
    /// <summary>Self-adversarial temperature α (default 1; 0 = uniform weights).</summary>
    public double AdversarialTemperature { get; set; } = 1.0;
    /// <summary>
    /// Learn an inverse of each relation and score head queries (?, r, t) as tail queries (t, r⁻¹, ?) (default false;
    /// see <see cref="KgeModel.Reciprocal"/>). Not with an encoder, which adds inverse edges of its own.
    /// </summary>
    public bool ReciprocalRelations { get; set; }
    /// <summary>The optimizer (default AdamW).</summary>
    public KgeOptimizer Optimizer { get; set; } = KgeOptimizer.AdamW;

    /// <summary>Penalty on the batch's embeddings (default N3).</summary>
    public KgeRegularization Regularization { get; set; } = KgeRegularization.N3;
    /// <summary>λ of the penalty (default 1e-3 ... 0 turns it off).</summary>
    public double RegularizationWeight { get; set; } = 1e-3;

    /// <summary>Maximum epochs (default 100).</summary>
    public int Epochs { get; set; } = 100;
    /// <summary>Queries (1-N) or training triples (1vsAll: two queries each; negative sampling) per step (default 512).</summary>
    public int BatchSize { get; set; } = 512;
    /// <summary>Learning rate of the optimizer (default 3e-3).</summary>
    public double LearningRate { get; set; } = 3e-3;
    /// <summary>AdamW decoupled weight decay (default 0: regularise through <see cref="Regularization"/>).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Validate (filtered MRR on the validation triples) every this many epochs (default 1).</summary>
    public int ValidateEveryEpochs { get; set; } = 1;
    /// <summary>Validations without improvement before stopping; 0 turns early stopping off (default 5).</summary>
    public int EarlyStoppingPatience { get; set; } = 5;
    /// <summary>Epochs trained before early stopping may end the run (default 0). Encoder models can stay near chance
    /// for their first epochs on large graphs before the validation MRR rises.</summary>
    public int EarlyStoppingMinEpochs { get; set; }
    /// <summary>Validate on at most this many validation triples (a fixed seeded sample); 0 = all (default).</summary>
    public int ValidationMaxTriples { get; set; }
    /// <summary>
    /// Wall-clock budget in minutes: training stops after the epoch past which one more would exceed it (best
    /// validation weights kept, as with early stopping). 0 = none (default).
    /// </summary>
    public double MaxTrainingMinutes { get; set; }
    /// <summary>Test triples scored per forward pass in evaluation (default 256).</summary>
    public int EvaluationBatchSize { get; set; } = 256;

    internal void Validate()
    {
        if (Dim < 1) throw new ArgumentException($"Dim must be at least 1 (got {Dim})");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1 (got {BatchSize})");
        if (LearningRate <= 0) throw new ArgumentException($"LearningRate must be positive (got {LearningRate})");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"LabelSmoothing must be in [0, 1) (got {LabelSmoothing})");
        if (NegativesPerPositive < 1) throw new ArgumentException($"NegativesPerPositive must be at least 1 (got {NegativesPerPositive})");
        if (AdversarialTemperature < 0) throw new ArgumentException($"AdversarialTemperature must not be negative (got {AdversarialTemperature})");
        if (RegularizationWeight < 0) throw new ArgumentException($"RegularizationWeight must not be negative (got {RegularizationWeight})");
        if (ValidateEveryEpochs < 1) throw new ArgumentException($"ValidateEveryEpochs must be at least 1 (got {ValidateEveryEpochs})");
        if (EarlyStoppingPatience < 0) throw new ArgumentException($"EarlyStoppingPatience must not be negative (got {EarlyStoppingPatience})");
        if (EarlyStoppingMinEpochs < 0) throw new ArgumentException($"EarlyStoppingMinEpochs must not be negative (got {EarlyStoppingMinEpochs})");
        if (MaxTrainingMinutes < 0) throw new ArgumentException($"MaxTrainingMinutes must not be negative (got {MaxTrainingMinutes})");
        if (EncoderLayers < 1) throw new ArgumentException($"EncoderLayers must be at least 1 (got {EncoderLayers})");
        if (EncoderBases < 1) throw new ArgumentException($"EncoderBases must be at least 1 (got {EncoderBases})");
        if (ReciprocalRelations && Encoder != EntityEncoderKind.None)
            throw new ArgumentException($"ReciprocalRelations needs a model without an encoder (the {Encoder} encoder adds inverse edges itself)");
        if (EntityBias == true && Mode == LinkPredictionTrainingMode.NegativeSampling)
            throw new ArgumentException("EntityBias needs 1-N or 1vsAll training (negative sampling does not use it)");
        if (TransENorm is not (1 or 2)) throw new ArgumentException($"TransENorm must be 1 or 2 (got {TransENorm})");
    }
}
