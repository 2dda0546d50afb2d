namespace MLExtensions.Components.FewShot;

/// <summary>The meta-learning method of a <see cref="FewShotTrainer"/>.</summary>
public enum FewShotAlgorithm
{
    /// <summary>Prototypical Networks: classes are the mean embeddings of their support examples.</summary>
    ProtoNet,
    /// <summary>MAML, second order: the outer gradient flows through the inner adaptation steps.</summary>
    Maml,
    /// <summary>First-order MAML: the inner steps are treated as constants in the outer gradient.</summary>
    FoMaml,
    /// <summary>Reptile: the initialisation moves towards the weights each task adapts to.</summary>
    Reptile,
    /// <summary>SimpleShot: supervised pre-training on the base classes, then centred, L2-normalised nearest centroid.</summary>
    SimpleShot,
}

/// <summary>How a ProtoNet query is compared with the class prototypes.</summary>
public enum FewShotDistance
{
    /// <summary>Negative squared Euclidean distance.</summary>
    SquaredEuclidean,
    /// <summary>Cosine similarity times <see cref="FewShotOptions.CosineScale"/>.</summary>
    Cosine,
}

/// <summary>How MAML/FOMAML/Reptile start the N-way linear head that each task adapts.</summary>
public enum FewShotHeadInit
{
    /// <summary>Zero weights and bias: every class starts equally likely.</summary>
    Zero,
    /// <summary>
    /// From the support set's prototypes c_k under the start weights: weight 2 c_k, bias -|c_k|^2, so the unadapted head is
    /// the ProtoNet (squared Euclidean) classifier and adaptation fine-tunes it (Proto-MAML). With MAML and FOMAML the
    /// meta-gradient also flows through the prototypes into the encoder; Reptile's head is a constant.
    /// </summary>
    Prototypes,
}

/// <summary>How the MLP encoder standardises feature vectors (statistics of the training rows, saved with the model).</summary>
public enum FewShotStandardisation
{
    /// <summary>Each feature minus its mean, divided by the standard deviation of all features together (one scale).</summary>
    Global,
    /// <summary>Each feature minus its mean, divided by its own standard deviation (floored at 1e-3).</summary>
    PerFeature,
    /// <summary>Features as they are.</summary>
    None,
}

/// <summary>The learning-rate schedule over the training episodes.</summary>
public enum FewShotSchedule
{
    /// <summary>A constant learning rate.</summary>
    Constant,
    /// <summary>Halved every <see cref="FewShotOptions.LearningRateHalvingEpisodes"/> episodes.</summary>
    Step,
    /// <summary>Linear warm-up over the first 5 % of the episodes, then cosine decay to zero.</summary>
    Cosine,
}

/// <summary>
/// Options of the few-shot classifier: the data columns, the input (image preprocessing or feature vector), the encoder,
/// the algorithm and the episodic training. Everything here is saved with the model, so a loaded model preprocesses and
/// scores exactly as the trained one.
/// </summary>
public sealed class FewShotOptions
{
    /// <summary>The image path column (used when the data has it; an image model uses the Conv-4 encoder).</summary>
    public string ImageColumnName { get; set; } = "ImagePath";

    /// <summary>The feature-vector column (used when the data has no image column; an MLP encoder).</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>The label column (a key or text column). Image folders listed by <see cref="FewShotImageFolder"/> put the relative class folder path there.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// An optional text column naming the source of each training row (for example the folder it was listed from). When set
    /// and present in the training data, training draws evenly from the sources: each episode's classes come from one
    /// source, the sources taking turns, and SimpleShot mini-batch rows are drawn from the sources in turn; validation episodes
    /// on classes held out of the training data are balanced the same way. Null: every class (or row) is equally likely, so a
    /// small source is rarely seen next to a large one.
    /// </summary>
    public string? SourceColumnName { get; set; }

    /// <summary>The method (default ProtoNet).</summary>
    public FewShotAlgorithm Algorithm { get; set; } = FewShotAlgorithm.ProtoNet;

    /// <summary>The ProtoNet distance (default squared Euclidean).</summary>
    public FewShotDistance Distance { get; set; } = FewShotDistance.SquaredEuclidean;

    /// <summary>The factor applied to cosine similarities before the softmax.</summary>
    public double CosineScale { get; set; } = 10;

    /// <summary>Classes per training episode (N).</summary>
    public int Ways { get; set; } = 5;

    /// <summary>Support examples per class in a training episode (K).</summary>
    public int Shots { get; set; } = 1;

    /// <summary>Query examples per class in a training episode (Q).</summary>
    public int Queries { get; set; } = 5;

    /// <summary>Whether the N classes of a training episode come from one group (the first segment of the class path, such as the alphabet).</summary>
    public bool WithinGroup { get; set; }

    /// <summary>Training episodes (for SimpleShot: supervised mini-batch steps).</summary>
    public int Episodes { get; set; } = 2000;

    /// <summary>Tasks per optimiser step (meta-batch).</summary>
    public int MetaBatchSize { get; set; } = 1;

    /// <summary>Outer (Adam) learning rate.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>The learning-rate schedule.</summary>
    public FewShotSchedule Schedule { get; set; } = FewShotSchedule.Step;

    /// <summary>Halving period of the <see cref="FewShotSchedule.Step"/> schedule, in episodes.</summary>
    public int LearningRateHalvingEpisodes { get; set; } = 2000;

    /// <summary>Inner-loop steps of MAML/FOMAML/Reptile in training (and when adapting, unless <see cref="AdaptationSteps"/> says otherwise).</summary>
    public int InnerSteps { get; set; } = 5;

    /// <summary>
    /// Inner-loop steps of MAML/FOMAML/Reptile when adapting to a support set (scoring, evaluation, validation); 0: as
    /// <see cref="InnerSteps"/>. MAML is usually trained with fewer steps than it adapts with at test time.
    /// </summary>
    public int AdaptationSteps { get; set; }

    /// <summary>
    /// Reptile's outer step size ε: each meta-step moves the initialisation ε of the way towards the mean of the task-adapted
    /// weights, with ε annealed linearly to 0 over the episodes (plain interpolation, no Adam). 0: Adam at
    /// <see cref="LearningRate"/> on the difference (initialisation - adapted weights) instead, with <see cref="Schedule"/>.
    /// </summary>
    public double ReptileStepSize { get; set; } = 1.0;

    /// <summary>
    /// Whether classifiers adapted from MAML/FOMAML/Reptile (and <see cref="FewShotModel.Evaluate(Data.DataBatch, int, int, int, int, bool, int)"/>)
    /// normalise each scoring batch of queries with that batch's own batch-norm statistics, the transductive protocol of
    /// published MAML figures, under which a prediction depends on the other rows of the batch. False (the default): the
    /// statistics of the support set under the adapted weights, fixed at the end of adaptation, so each row is scored
    /// on its own.
    /// </summary>
    public bool TransductiveBatchNorm { get; set; }

    /// <summary>
    /// Whether MAML/FOMAML meta-training scores each task's query rows with the support set's batch-norm statistics under
    /// the adapted weights, as adapted classifiers score (the meta-gradient then also flows through those statistics).
    /// False (the default): with the query batch's own statistics, the transductive way published MAML is trained, which
    /// did as well on held-out training characters (BENCHMARKS.md) at no extra forward pass. Scoring is not affected: see
    /// <see cref="TransductiveBatchNorm"/>.
    /// </summary>
    public bool SupportStatisticsTraining { get; set; }

    /// <summary>How MAML/FOMAML/Reptile start each task's linear head, in training and when adapting (default zero).</summary>
    public FewShotHeadInit HeadInit { get; set; } = FewShotHeadInit.Zero;

    /// <summary>Inner-loop (SGD) learning rate of MAML/FOMAML/Reptile.</summary>
    public double InnerLearningRate { get; set; } = 0.4;

    /// <summary>Mini-batch size of SimpleShot pre-training.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Validation every this many episodes (0: never).</summary>
    public int ValidationInterval { get; set; } = 200;

    /// <summary>Episodes per validation (the same seeded episodes every time).</summary>
    public int ValidationEpisodes { get; set; } = 100;

    /// <summary>
    /// Share of the training classes held out for validation when <see cref="FewShotTrainer.Fit(Data.DataBatch, Data.DataBatch?)"/>
    /// gets no validation set (0: none). Validation is skipped, with a warning, when either side would have fewer than N classes.
    /// </summary>
    public double ValidationClassFraction { get; set; } = 0.15;

    /// <summary>Validations without improvement before training stops (0: never stops early). The best weights are kept.</summary>
    public int Patience { get; set; } = 10;

    /// <summary>
    /// Time budget of training in minutes (0: none): training stops after the first episode that ends past it, validating
    /// once more there when validation is on, and keeps the best validated weights as usual.
    /// </summary>
    public double MaxMinutes { get; set; }

    /// <summary>Image side in pixels (images are resized to Size x Size).</summary>
    public int ImageSize { get; set; } = 28;

    /// <summary>Whether images are read as one grey channel (else RGB).</summary>
    public bool Grayscale { get; set; } = true;

    /// <summary>Whether pixel values are inverted (1 - x), e.g. for dark strokes on a white background.</summary>
    public bool Invert { get; set; }

    /// <summary>
    /// Whether each image whose one-pixel border is mostly bright (mean above 0.5) is inverted, so that every image has a
    /// dark background; lets folders of dark-on-light and light-on-dark images be mixed. Applied before <see cref="Invert"/>.
    /// </summary>
    public bool AutoInvert { get; set; }

    /// <summary>Whether rotations by 90/180/270 degrees of every training class count as extra classes.</summary>
    public bool Rotations { get; set; }

    /// <summary>Whether training images get a small random affine transform (rotation ±10°, scale 0.9-1.1, shift ±10 %).</summary>
    public bool AffineJitter { get; set; }

    /// <summary>Conv-4 channels per block.</summary>
    public int ConvChannels { get; set; } = 64;

    /// <summary>MLP encoder layer sizes (the last is the embedding size).</summary>
    public int[] HiddenSizes { get; set; } = [256, 128];

    /// <summary>
    /// Feature-vector standardisation of the MLP encoder. Global (the default) keeps features that barely vary on the base
    /// classes from being blown up on new classes, which a per-feature scale does.
    /// </summary>
    public FewShotStandardisation Standardisation { get; set; } = FewShotStandardisation.Global;

    /// <summary>Rows per forward pass when embedding or scoring.</summary>
    public int ScoringBatchSize { get; set; } = 256;

    /// <summary>Seed of initialisation and episode sampling; null: the context's seed (or a fixed default).</summary>
    public int? Seed { get; set; }

    internal void Validate()
    {
        if (Ways < 2) throw new ArgumentException($"Ways must be at least 2 (got {Ways})");
        if (Shots < 1) throw new ArgumentException($"Shots must be at least 1 (got {Shots})");
        if (Queries < 1) throw new ArgumentException($"Queries must be at least 1 (got {Queries})");
        if (Episodes < 1) throw new ArgumentException($"Episodes must be at least 1 (got {Episodes})");
        if (BatchSize < 2) throw new ArgumentException($"BatchSize must be at least 2 (got {BatchSize})");
        if (ConvChannels < 1) throw new ArgumentException($"ConvChannels must be at least 1 (got {ConvChannels})");
        if (!(CosineScale > 0)) throw new ArgumentException($"CosineScale must be positive (got {CosineScale})");
        if (MetaBatchSize < 1) throw new ArgumentException($"MetaBatchSize must be at least 1 (got {MetaBatchSize})");
        if (!(LearningRate > 0)) throw new ArgumentException($"LearningRate must be positive (got {LearningRate})");
        if (InnerSteps < 1) throw new ArgumentException($"InnerSteps must be at least 1 (got {InnerSteps})");
        if (AdaptationSteps < 0) throw new ArgumentException($"AdaptationSteps must not be negative (got {AdaptationSteps}; 0: as InnerSteps)");
        if (!(ReptileStepSize >= 0) || ReptileStepSize > 1) throw new ArgumentException($"ReptileStepSize must be in [0, 1] (got {ReptileStepSize}; 0: Adam on the meta-gradient)");
        if (ImageSize < 8) throw new ArgumentException($"ImageSize must be at least 8 pixels (got {ImageSize})");
        if (HiddenSizes.Length == 0 || HiddenSizes.Any(h => h < 1)) throw new ArgumentException("HiddenSizes needs at least one positive size");
        if (!(MaxMinutes >= 0)) throw new ArgumentException($"MaxMinutes must not be negative (got {MaxMinutes}; 0: no time budget)");
        if (ValidationClassFraction is < 0 or >= 1) throw new ArgumentException($"ValidationClassFraction must be in [0, 1) (got {ValidationClassFraction})");
        if (!Enum.IsDefined(Standardisation)) throw new ArgumentException($"unknown standardisation {Standardisation}");
        if (!Enum.IsDefined(HeadInit)) throw new ArgumentException($"unknown head initialisation {HeadInit}");
        if (!Enum.IsDefined(Algorithm)) throw new ArgumentException($"unknown algorithm {Algorithm}");
    }

    /// <summary>Parses an algorithm name (protonet, maml, fomaml, reptile, simpleshot; any case).</summary>
    public static FewShotAlgorithm ParseAlgorithm(string name) =>
        Enum.TryParse<FewShotAlgorithm>(name, ignoreCase: true, out var a) && Enum.IsDefined(a) && !int.TryParse(name, out _)
            ? a
            : throw new ArgumentException($"unknown few-shot algorithm '{name}'; known: protonet, maml, fomaml, reptile, simpleshot");

    /// <summary>The inner-loop steps used when adapting to a support set.</summary>
    internal int EffectiveAdaptationSteps => AdaptationSteps > 0 ? AdaptationSteps : InnerSteps;

    internal FewShotOptions Clone() => (FewShotOptions)MemberwiseClone();
}
