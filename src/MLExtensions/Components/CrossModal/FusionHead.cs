using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The image-text matching head (ALBEF/BLIP-style fusion): the image tokens are projected to the text width; then
/// <c>layers</c> fusion layers, each text self-attention (padding ignored), cross-attention of the text tokens to the
/// image tokens and a feed-forward block (all pre-norm, residual); the tokens are averaged over the real (non-padding)
/// positions and a linear layer gives one logit: does this caption describe this image?
/// </summary>
internal sealed class FusionHead : Module
{
    private readonly Linear _imageProjection, _classifier;
    private readonly LayerNorm _normImage, _normOut;
    private readonly FusionLayer[] _layers;

    public FusionHead(long imageWidth, long textWidth, long heads, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        _imageProjection = RegisterModule("image_projection", new Linear(imageWidth, textWidth));
        _normImage = RegisterModule("norm_image", new LayerNorm(textWidth));
        _layers = new FusionLayer[layers];
        for (int i = 0; i < layers; i++)
            _layers[i] = RegisterModule($"layer{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}", new FusionLayer(textWidth, heads));
        _normOut = RegisterModule("norm_out", new LayerNorm(textWidth));
        _classifier = RegisterModule("classifier", new Linear(textWidth, 1));
    }

    /// <summary>Match logits [B] for text tokens [B, T, Wt] (padding [B, T], true = padding) and image tokens [B, P, Wi].</summary>
    public Tensor Forward(Tensor textTokens, Tensor padding, Tensor imageTokens)
    {
        using var scope = torch.NewDisposeScope();
        var kv = _normImage.Forward(_imageProjection.Forward(imageTokens));
        var x = textTokens;
        foreach (var layer in _layers) x = layer.Forward(x, padding, kv);
        var n = _normOut.Forward(x);
        var keepF = padding.LogicalNot().Unsqueeze(2).To(n.DType);
        var mean = (n * keepF).Sum(1) / keepF.Sum(1).ClampMin(1);
        return _classifier.Forward(mean).Squeeze(1).DetachFromDisposeScope();
    }

    private sealed class FusionLayer : Module
    {
        private readonly LayerNorm _normSelf, _normQuery, _normFf;
        private readonly MultiheadAttention _self, _cross;
        private readonly Linear _ff1, _ff2;

        public FusionLayer(long width, long heads)
        {
            _normSelf = RegisterModule("norm_self", new LayerNorm(width));
            _self = RegisterModule("self_attn", new MultiheadAttention(width, heads));
            _normQuery = RegisterModule("norm_query", new LayerNorm(width));
            _cross = RegisterModule("cross_attn", new MultiheadAttention(width, heads));
            _normFf = RegisterModule("norm_ff", new LayerNorm(width));
            _ff1 = RegisterModule("ff1", new Linear(width, 4 * width));
            _ff2 = RegisterModule("ff2", new Linear(4 * width, width));
        }

        // Runs inside the head's dispose scope.
        public Tensor Forward(Tensor x, Tensor padding, Tensor image)
        {
            var s = _normSelf.Forward(x);
            x = x + _self.Forward(s, s, s, padding, needWeights: false).Output;
            var q = _normQuery.Forward(x);
            x = x + _cross.Forward(q, image, image, needWeights: false).Output;
            return x + _ff2.Forward(_ff1.Forward(_normFf.Forward(x)).Gelu());
        }
    }
}
