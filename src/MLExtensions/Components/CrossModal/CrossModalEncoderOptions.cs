using System.Text.Json.Serialization;
using MLExtensions.Training;

namespace MLExtensions.Components.CrossModal;

/// <summary>Options of <see cref="CrossModalEncoderTrainer"/>; the architecture settings are saved with the model.</summary>
public sealed class CrossModalEncoderOptions
{
    /// <summary>The image-path column (default "ImagePath").</summary>
    public string ImageColumnName { get; set; } = "ImagePath";

    /// <summary>The caption column (default "Caption").</summary>
    public string TextColumnName { get; set; } = "Caption";

    // ---- architecture ---------------------------------------------------------------------------

    /// <summary>The image encoder (default <see cref="ImageEncoderKind.Cnn"/>).</summary>
    public ImageEncoderKind ImageEncoder { get; set; } = ImageEncoderKind.Cnn;

    /// <summary>The size of the shared embedding space (default 128).</summary>
    public int EmbeddingDim { get; set; } = 128;

    /// <summary>Images are decoded and resized to ImageSize x ImageSize RGB (default 32).</summary>
    public int ImageSize { get; set; } = 32;

    /// <summary>CNN: channels of the first stage, doubled at each further stage (default 32).</summary>
    public int CnnWidth { get; set; } = 32;

    /// <summary>CNN: residual stages (default 3).</summary>
    public int CnnStages { get; set; } = 3;

    /// <summary>ViT: patch side in pixels; ImageSize must be a multiple (default 8).</summary>
    public int VitPatchSize { get; set; } = 8;

    /// <summary>ViT: token width (default 128).</summary>
    public int VitWidth { get; set; } = 128;

    /// <summary>ViT: transformer layers (default 4).</summary>
    public int VitLayers { get; set; } = 4;

    /// <summary>ViT: attention heads (default 4).</summary>
    public int VitHeads { get; set; } = 4;

    /// <summary>The text encoder (default <see cref="TextEncoderKind.Transformer"/>; <see cref="TextEncoderKind.BagOfWords"/> is the baseline).</summary>
    public TextEncoderKind TextEncoder { get; set; } = TextEncoderKind.Transformer;

    /// <summary>Text encoder: token width (default 128).</summary>
    public int TextWidth { get; set; } = 128;

    /// <summary>Text encoder: transformer layers (default 2).</summary>
    public int TextLayers { get; set; } = 2;

    /// <summary>Text encoder: attention heads (default 4).</summary>
    public int TextHeads { get; set; } = 4;

    /// <summary>
    /// Also train the fusion re-ranker: after the contrastive training, with the encoders frozen, an image-text matching
    /// head (text tokens cross-attend to image tokens) learns to order each query's candidates, on hard negatives
    /// mined from the contrastive scores over the training set (default false).
    /// </summary>
    public bool Fusion { get; set; }

    /// <summary>Fusion: attention heads (default 4; must divide TextWidth).</summary>
    public int FusionHeads { get; set; } = 4;

    /// <summary>Fusion: layers of text self-attention, cross-attention to the image tokens and feed-forward (default 1).</summary>
    public int FusionLayers { get; set; } = 1;

    /// <summary>Fusion: epochs of the head's training stage (default 10; early stopping on the re-ranked validation recall).</summary>
    public int FusionEpochs { get; set; } = 10;

    /// <summary>Fusion: hard negatives scored with each image (captions) and with each caption (images) per step (default 4).</summary>
    public int FusionNegatives { get; set; } = 4;

    /// <summary>Fusion: the negatives are drawn from each image's (caption's) this many nearest captions (images) by cosine (default 10).</summary>
    public int FusionHardPool { get; set; } = 10;

    /// <summary>
    /// Fusion with the CNN image encoder: the head also sees the mean colour of each quarter of every image token's area
    /// (default false).
    /// </summary>
    public bool FusionColours { get; set; }

    /// <summary>Fusion: the peak AdamW learning rate of the head (default 1e-3).</summary>
    public double FusionLearningRate { get; set; } = 1e-3;

    // ---- tokenizer ------------------------------------------------------------------------------

    /// <summary>The most ids the BPE tokenizer learns, special tokens included (default 1000).</summary>
    public int VocabularySize { get; set; } = 1000;

    /// <summary>
    /// The most tokens per caption, [BOS] and [EOS] included (default 48). Longer captions are truncated: their first
    /// MaxTokens − 2 tokens are kept, and the trainer logs how many captions were cut.
    /// </summary>
    public int MaxTokens { get; set; } = 48;

    /// <summary>Whether captions are lower-cased (default true). NFKC and white-space collapsing always apply.</summary>
    public bool Lowercase { get; set; } = true;

    // ---- training -------------------------------------------------------------------------------

    /// <summary>The most epochs (default 24).</summary>
    public int Epochs { get; set; } = 24;

    /// <summary>Pairs per micro-batch; each batch's other pairs are its negatives (default 64).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>
    /// Micro-batches per optimizer step (default 1): the step's batch is BatchSize x AccumulationSteps pairs, of which
    /// only BatchSize are through the encoders with a graph at a time. With <see cref="AccumulationSharesNegatives"/>
    /// (the default) InfoNCE is computed over all the step's pairs; without it, over each micro-batch alone.
    /// </summary>
    public int AccumulationSteps { get; set; } = 1;

    /// <summary>
    /// With <see cref="AccumulationSteps"/> above 1, whether the negatives of InfoNCE are shared across the step's
    /// micro-batches (default true): each pair is contrasted with all BatchSize x AccumulationSteps pairs of the step, as
    /// one large batch would be, by gradient caching (<see cref="ContrastiveGradientCache"/>: every micro-batch is embedded
    /// once without a graph, the loss and its gradient with respect to the embeddings are computed over all of them, then
    /// each micro-batch is embedded again with a graph and back-propagates its rows' gradients). It costs a second forward
    /// pass per micro-batch. The parameter gradients equal those of one batch of all the step's pairs except for batch
    /// norm, which still normalises by the statistics of each micro-batch (and updates its running statistics once per
    /// micro-batch). False: each micro-batch's own pairs are its only negatives and the micro-batches' losses are averaged
    /// (a larger step for the optimizer, not more negatives).
    /// </summary>
    public bool AccumulationSharesNegatives { get; set; } = true;

    /// <summary>The peak AdamW learning rate (default 2e-3).</summary>
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>AdamW's decoupled weight decay (default 0.05).</summary>
    public double WeightDecay { get; set; } = 0.05;

    /// <summary>The fraction of optimizer steps spent warming the learning rate up linearly; cosine decay after (default 0.1).</summary>
    public double WarmupFraction { get; set; } = 0.1;

    /// <summary>Random-resized-crop augmentation of training images (default true).</summary>
    public bool RandomResizedCrop { get; set; } = true;

    /// <summary>The smallest crop area as a fraction of the image (default 0.6).</summary>
    public double CropMinScale { get; set; } = 0.6;

    /// <summary>Random horizontal flips (default false: a flip changes the meaning of arrows, letters and many symbols).</summary>
    public bool HorizontalFlip { get; set; }

    /// <summary>The fraction of pairs held out to measure recall for early stopping (default 0.1; 0 turns validation off).</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>
    /// A regular expression that groups pairs for the validation hold-out: pairs whose captions give the same first match
    /// (trimmed; the whole caption when it does not match) are held out together, so that near-duplicates of a validation
    /// pair (e.g. the skin-tone variants of an emoji, <c>^[^:(]+</c>) are not trained on. Default null: pair by pair.
    /// </summary>
    public string? ValidationGroupPattern { get; set; }

    /// <summary>Validations without improvement of the validation recall before training stops (default 6; 0: never stop early).</summary>
    public int EarlyStoppingPatience { get; set; } = 6;

    /// <summary>Epochs trained before early stopping may end the run (default 0). With gradient accumulation an epoch
    /// holds fewer optimizer steps, so the same patience covers fewer updates.</summary>
    public int EarlyStoppingMinEpochs { get; set; }

    /// <summary>Gradients are clipped to this global norm (default 1; 0: no clipping).</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>The seed of weights, shuffling and augmentation (default: the context's).</summary>
    public int? Seed { get; set; }

    /// <summary>Receives training progress (not saved).</summary>
    [JsonIgnore]
    public IProgress<TrainingProgress>? Progress { get; set; }

    internal CrossModalEncoderOptions Clone() => (CrossModalEncoderOptions)MemberwiseClone();

    internal void Validate()
    {
        static void Positive(int v, string name) { if (v < 1) throw new ArgumentOutOfRangeException(name, v, $"{name} must be at least 1"); }
        if (string.IsNullOrEmpty(ImageColumnName)) throw new ArgumentException("ImageColumnName must be set");
        if (string.IsNullOrEmpty(TextColumnName)) throw new ArgumentException("TextColumnName must be set");
        Positive(EmbeddingDim, nameof(EmbeddingDim));
        Positive(ImageSize, nameof(ImageSize));
        Positive(CnnWidth, nameof(CnnWidth));
        Positive(CnnStages, nameof(CnnStages));
        Positive(VitLayers, nameof(VitLayers));
        Positive(TextLayers, nameof(TextLayers));
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        Positive(AccumulationSteps, nameof(AccumulationSteps));
        if (TextEncoder == TextEncoderKind.Transformer && TextWidth % TextHeads != 0) throw new ArgumentException($"TextWidth ({TextWidth}) must be a multiple of TextHeads ({TextHeads})");
        if (Fusion)
        {
            if (FusionHeads < 1 || TextWidth % FusionHeads != 0) throw new ArgumentException($"TextWidth ({TextWidth}) must be a multiple of FusionHeads ({FusionHeads})");
            Positive(FusionLayers, nameof(FusionLayers));
            Positive(FusionEpochs, nameof(FusionEpochs));
            Positive(FusionNegatives, nameof(FusionNegatives));
            Positive(FusionHardPool, nameof(FusionHardPool));
            if (!(FusionLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(FusionLearningRate), FusionLearningRate, "FusionLearningRate must be positive");
        }
        if (ImageEncoder == ImageEncoderKind.Vit)
        {
            if (VitWidth % VitHeads != 0) throw new ArgumentException($"VitWidth ({VitWidth}) must be a multiple of VitHeads ({VitHeads})");
            if (VitPatchSize < 1 || ImageSize % VitPatchSize != 0) throw new ArgumentException($"ImageSize ({ImageSize}) must be a multiple of VitPatchSize ({VitPatchSize})");
        }
        if (MaxTokens < 3) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must be at least 3 ([BOS], a token, [EOS])");
        if (VocabularySize < 8) throw new ArgumentOutOfRangeException(nameof(VocabularySize), VocabularySize, "VocabularySize must be at least 8");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "WarmupFraction must be in [0, 1)");
        if (CropMinScale is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(CropMinScale), CropMinScale, "CropMinScale must be in (0, 1]");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1)");
        if (!string.IsNullOrEmpty(ValidationGroupPattern))
        {
            try { _ = new System.Text.RegularExpressions.Regex(ValidationGroupPattern); }
            catch (ArgumentException e) { throw new ArgumentException($"ValidationGroupPattern '{ValidationGroupPattern}' is not a valid regular expression: {e.Message}", e); }
        }
        if (EarlyStoppingPatience < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "EarlyStoppingPatience must not be negative");
        if (EarlyStoppingMinEpochs < 0) throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinEpochs), EarlyStoppingMinEpochs, "EarlyStoppingMinEpochs must not be negative");
    }
}
