using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The image-text matching head (ALBEF/BLIP-style fusion): text tokens cross-attend to image tokens (projected to the
/// text width), a feed-forward block follows (both pre-norm, residual), the tokens are averaged over the real
/// (non-padding) positions and a linear layer gives one logit: does this caption describe this image?
/// </summary>
internal sealed class FusionHead : Module
{
    private readonly Linear _imageProjection, _ff1, _ff2, _classifier;
    private readonly LayerNorm _normQuery, _normImage, _normFf, _normOut;
    private readonly MultiheadAttention _cross;

    public FusionHead(long imageWidth, long textWidth, long heads)
    {
        _imageProjection = RegisterModule("image_projection", new Linear(imageWidth, textWidth));
        _normQuery = RegisterModule("norm_query", new LayerNorm(textWidth));
        _normImage = RegisterModule("norm_image", new LayerNorm(textWidth));
        _cross = RegisterModule("cross_attn", new MultiheadAttention(textWidth, heads));
        _normFf = RegisterModule("norm_ff", new LayerNorm(textWidth));
        _ff1 = RegisterModule("ff1", new Linear(textWidth, 4 * textWidth));
        _ff2 = RegisterModule("ff2", new Linear(4 * textWidth, textWidth));
        _normOut = RegisterModule("norm_out", new LayerNorm(textWidth));
        _classifier = RegisterModule("classifier", new Linear(textWidth, 1));
    }

    /// <summary>Match logits [B] for text tokens [B, T, Wt] (padding [B, T], true = padding) and image tokens [B, P, Wi].</summary>
    public Tensor Forward(Tensor textTokens, Tensor padding, Tensor imageTokens)
    {
        using var img = _imageProjection.Forward(imageTokens);
        using var kv = _normImage.Forward(img);
        using var q = _normQuery.Forward(textTokens);
        var (attended, _) = _cross.Forward(q, kv, kv, needWeights: false);
        using (attended)
        using (var x = textTokens + attended)
        using (var nf = _normFf.Forward(x))
        using (var h1 = _ff1.Forward(nf))
        using (var g = h1.Gelu())
        using (var h2 = _ff2.Forward(g))
        using (var y = x + h2)
        using (var n = _normOut.Forward(y))
        using (var keep = padding.LogicalNot())
        using (var keepF = keep.Unsqueeze(2).To(n.DType))
        using (var masked = n * keepF)
        using (var summed = masked.Sum(1))
        using (var counts = keepF.Sum(1).ClampMin(1))
        using (var mean = summed / counts)
        using (var logit = _classifier.Forward(mean))
            return logit.Squeeze(1);
    }
}
