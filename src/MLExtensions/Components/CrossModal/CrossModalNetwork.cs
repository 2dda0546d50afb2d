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
