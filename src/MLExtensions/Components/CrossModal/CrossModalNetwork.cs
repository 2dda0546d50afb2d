using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>The trained parts: an image encoder (<c>image.*</c>), a text encoder (<c>text.*</c>) and the learned log scale of InfoNCE (<c>logit_scale</c>).</summary>
internal sealed class CrossModalNetwork : Module
{
    public CrossModalNetwork(CrossModalEncoderOptions o, int vocabularySize)
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
        if (o.Fusion)
            Fusion = RegisterModule("fusion", new FusionHead(((ITokenEncoder)Image).TokenWidth, ((ITokenEncoder)Text).TokenWidth, o.FusionHeads));
    }

    /// <summary>The image-text matching head, or null when the model was trained without one.</summary>
    public FusionHead? Fusion { get; }

    /// <summary>Normalised image embeddings and the image tokens for the fusion head.</summary>
    public (Tensor Embedding, Tensor Tokens) EncodeImagesWithTokens(Tensor images)
    {
        var (raw, tokens) = ((ITokenEncoder)Image).ForwardWithTokens(images);
        using (raw) return (Functional.Normalize(raw, dim: 1), tokens);
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
        using var padding = ids.Eq(BpeTokenizer.PadId);
        return Fusion.Forward(textTokens, padding, imageTokens);
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
