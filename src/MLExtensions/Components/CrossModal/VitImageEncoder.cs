using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A vision transformer: non-overlapping patches embedded by a strided convolution, a learned class token and learned
/// positions, pre-norm transformer layers, a final layer norm on the class token and a linear projection.
/// Input [B, 3, S, S] with S a multiple of the patch size; output [B, dim] (not normalised).
/// </summary>
internal sealed class VitImageEncoder : Layer, ITokenEncoder
{
    private readonly Conv2d _patch;
    private readonly Tensor _classToken, _positions;
    private readonly TransformerEncoder _encoder;
    private readonly LayerNorm _norm;
    private readonly Linear _projection;

    public VitImageEncoder(int imageSize, int patchSize, int width, int layers, int heads, int embeddingDim)
    {
        if (patchSize < 1 || imageSize % patchSize != 0)
            throw new ArgumentException($"the image size ({imageSize}) must be a multiple of the patch size ({patchSize})");
        long patches = (long)(imageSize / patchSize) * (imageSize / patchSize);
        _patch = RegisterModule("patch_embed", new Conv2d(3, width, patchSize, patchSize, bias: false));
        using (torch.NoGrad())
        {
            _classToken = RegisterParameter("class_token", torch.Randn([1, 1, width]) * 0.02);
            _positions = RegisterParameter("positions", torch.Randn([1, patches + 1, width]) * 0.02);
        }
        _encoder = RegisterModule("encoder", new TransformerEncoder(layers,
            () => new TransformerEncoderLayer(width, heads, 4L * width, 0.0, TransformerActivation.Gelu)));
        _norm = RegisterModule("norm", new LayerNorm(width));
        _projection = RegisterModule("projection", new Linear(width, embeddingDim, bias: false));
        TokenWidth = width;
    }

    public long TokenWidth { get; }

    public override Tensor Forward(Tensor input)
    {
        var (embedding, tokens) = ForwardWithTokens(input);
        tokens.Dispose();
        return embedding;
    }

    /// <summary>The embedding and every output token (class token first) [B, N + 1, width].</summary>
    public (Tensor Embedding, Tensor Tokens) ForwardWithTokens(Tensor input)
    {
        using var p = _patch.Forward(input);                 // [B, W, h, w]
        using var flat = p.Flatten(2);                       // [B, W, N]
        using var tokens = flat.Transpose(1, 2);             // [B, N, W]
        using var cls = _classToken.Expand(input.Size(0), 1, _classToken.Size(2));
        using var seq = torch.Cat([cls, tokens], 1);
        using var x = seq + _positions;
        var h = _encoder.Forward(x);
        using var first = h.Select(1, 0);
        using var n = _norm.Forward(first);
        return (_projection.Forward(n), h);
    }
}
