using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>The trained parts: an image encoder (<c>image.*</c>), a text encoder (<c>text.*</c>) and the learned log scale of InfoNCE (<c>logit_scale</c>).</summary>
internal sealed class CrossModalNetwork : Module
{
    /// <summary>The encoders and, when <paramref name="fusion"/> is set, the fusion head of <paramref name="o"/>.</summary>
    public CrossModalNetwork(CrossModalEncoderOptions o, int vocabularySize, bool fusion)
    {
        Image = RegisterModule<Layer>("image", o.ImageEncoder switch
        {
            ImageEncoderKind.Cnn => new CnnImageEncoder(o.CnnWidth, o.CnnStages, o.EmbeddingDim),
            ImageEncoderKind.Vit => new VitImageEncoder(o.ImageSize, o.VitPatchSize, o.VitWidth, o.VitLayers, o.VitHeads, o.EmbeddingDim),
            _ => throw new ArgumentException($"unknown image encoder {o.ImageEncoder}"),
        });
        Text = RegisterModule<Layer>("text", o.TextEncoder switch
        {
            TextEncoderKind.Transformer => new TextEncoder(vocabularySize, o.MaxTokens, o.TextWidth, o.TextLayers, o.TextHeads, o.EmbeddingDim),
            TextEncoderKind.BagOfWords => new BagOfWordsTextEncoder(vocabularySize, o.TextWidth, o.EmbeddingDim),
            _ => throw new ArgumentException($"unknown text encoder {o.TextEncoder}"),
        });
        LogitScale = RegisterParameter("logit_scale", torch.Scalar(ContrastiveLoss.InitialLogScale));
        if (fusion) AddFusion(o);
    }

    /// <summary>The image-text matching head, or null when the model was trained without one.</summary>
    public FusionHead? Fusion { get; private set; }

    /// <summary>Adds a freshly initialised fusion head (<c>fusion.*</c>) with the settings of <paramref name="o"/>.</summary>
    public FusionHead AddFusion(CrossModalEncoderOptions o)
    {
        if (Fusion is not null) throw new InvalidOperationException("the network already has a fusion head");
        _colourTokens = o.FusionColours && Image is CnnImageEncoder;
        long imageWidth = ((ITokenEncoder)Image).TokenWidth + (_colourTokens ? ColourValues : 0);
        Fusion = RegisterModule("fusion", new FusionHead(imageWidth, ((ITokenEncoder)Text).TokenWidth, o.FusionHeads, o.FusionLayers));
        return Fusion;
    }

    private bool _colourTokens;

    // The mean colour of each quarter of a CNN token's area: 2 x 2 x 3 values.
    private const int ColourValues = 12;

    /// <summary>
    /// Normalised image embeddings and the image tokens for the fusion head: the encoder's tokens, for a CNN with
    /// <see cref="CrossModalEncoderOptions.FusionColours"/> followed by the mean colours of the quarters of each token's area.
    /// </summary>
    public (Tensor Embedding, Tensor Tokens) EncodeImagesWithTokens(Tensor images)
    {
        var (raw, tokens) = ((ITokenEncoder)Image).ForwardWithTokens(images);
        var embedding = Functional.Normalize(raw, dim: 1);
        raw.Dispose();
        if (!_colourTokens) return (embedding, tokens);
        using var scope = torch.NewDisposeScope();
        long b = images.Size(0), grid = (long)Math.Round(Math.Sqrt(tokens.Size(1)));
        var colours = Functional.AdaptiveAvgPool2d(images, 2 * grid, 2 * grid)      // [B, 3, 2g, 2g]
            .View(b, 3, grid, 2, grid, 2).Permute(0, 2, 4, 1, 3, 5).Reshape(b, grid * grid, ColourValues);
        var result = torch.Cat([tokens, colours], 2).DetachFromDisposeScope();
        tokens.Dispose();
        return (embedding, result);
    }

    /// <summary>Normalised text embeddings and the text tokens for the fusion head.</summary>
    public (Tensor Embedding, Tensor Tokens) EncodeTextsWithTokens(Tensor ids)
    {
        var (raw, tokens) = ((ITokenEncoder)Text).ForwardWithTokens(ids);
        using (raw) return (Functional.Normalize(raw, dim: 1), tokens);
    }

    /// <summary>Match logits [B] of text ids [B, T] (with their tokens) against image tokens [B, P, W].</summary>
    public Tensor MatchLogits(Tensor ids, Tensor textTokens, Tensor imageTokens)
    {
        if (Fusion is null) throw new InvalidOperationException("this model has no fusion head (train with Fusion = true)");
        using var scope = torch.NewDisposeScope();
        // Padding is ignored by the head: positions past the longest caption of the batch are dropped first.
        var padding = ids.Eq(BpeTokenizer.PadId);
        long length = Math.Max(1, padding.LogicalNot().Sum(1).Max().Item<long>());
        if (length < ids.Size(1))
        {
            padding = padding.Narrow(1, 0, length);
            textTokens = textTokens.Narrow(1, 0, length);
        }
        return Fusion.Forward(textTokens, padding, imageTokens).DetachFromDisposeScope();
    }

    /// <summary>
    /// Match logits [M] (CPU) of the pairs (image row, text row) of precomputed features, <paramref name="batchSize"/>
    /// pairs per pass of the head; no gradients.
    /// </summary>
    public float[] MatchLogits(FusionFeatures images, FusionFeatures texts, IReadOnlyList<long> imageRows, IReadOnlyList<long> textRows, int batchSize, Device device)
    {
        if (imageRows.Count != textRows.Count) throw new ArgumentException($"{imageRows.Count} image rows but {textRows.Count} text rows");
        var ids = texts.Ids ?? throw new ArgumentException("the text features carry no ids");
        var result = new float[imageRows.Count];
        using var noGrad = torch.NoGrad();
        for (int start = 0; start < result.Length; start += batchSize)
        {
            using var scope = torch.NewDisposeScope();
            int n = Math.Min(batchSize, result.Length - start);
            var imageIndex = Tensor.From(imageRows.Skip(start).Take(n).ToArray(), n);
            var textIndex = Tensor.From(textRows.Skip(start).Take(n).ToArray(), n);
            var logits = MatchLogits(ids.IndexSelect(0, textIndex).To(device), texts.Tokens.IndexSelect(0, textIndex).To(device),
                images.Tokens.IndexSelect(0, imageIndex).To(device));
            logits.Cpu().ToArray<float>().CopyTo(result, start);
        }
        return result;
    }

    public Layer Image { get; }
    public Layer Text { get; }
    public Tensor LogitScale { get; }

    /// <summary>L2-normalised image embeddings of a [B, 3, S, S] batch.</summary>
    public Tensor EncodeImages(Tensor images)
    {
        using var raw = Image.Forward(images);
        return Functional.Normalize(raw, dim: 1);
    }

    /// <summary>L2-normalised text embeddings of a [B, T] id batch.</summary>
    public Tensor EncodeTexts(Tensor ids)
    {
        using var raw = Text.Forward(ids);
        return Functional.Normalize(raw, dim: 1);
    }
}
