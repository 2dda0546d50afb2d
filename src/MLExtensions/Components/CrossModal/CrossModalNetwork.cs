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
