using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A transformer over subword ids: token and learned position embeddings, pre-norm transformer layers that ignore
/// padding, a final layer norm, the mean over the real (non-padding) tokens, and a linear projection.
/// Input [B, T] ids (0 = padding, T ≤ max length); output [B, dim] (not normalised).
/// </summary>
internal sealed class TextEncoder : Layer, ITokenEncoder
{
    private readonly Embedding _tokens;
    private readonly Tensor _positions;
    private readonly TransformerEncoder _encoder;
    private readonly LayerNorm _norm;
    private readonly Linear _projection;

    public TextEncoder(int vocabularySize, int maxLength, int width, int layers, int heads, int embeddingDim)
    {
        _tokens = RegisterModule("token_embed", new Embedding(vocabularySize, width, paddingIdx: BpeTokenizer.PadId));
        using (torch.NoGrad())
            _positions = RegisterParameter("positions", torch.Randn([maxLength, width]) * 0.01);
        _encoder = RegisterModule("encoder", new TransformerEncoder(layers,
            () => new TransformerEncoderLayer(width, heads, 4L * width, 0.0, TransformerActivation.Gelu)));
        _norm = RegisterModule("norm", new LayerNorm(width));
        _projection = RegisterModule("projection", new Linear(width, embeddingDim, bias: false));
        MaxLength = maxLength;
        TokenWidth = width;
    }

    public int MaxLength { get; }

    public long TokenWidth { get; }

    public override Tensor Forward(Tensor ids)
    {
        var (embedding, tokens) = ForwardWithTokens(ids);
        tokens.Dispose();
        return embedding;
    }

    /// <summary>The embedding and the normalised token states [B, T, width] (padding positions included).</summary>
    public (Tensor Embedding, Tensor Tokens) ForwardWithTokens(Tensor ids)
    {
        long t = ids.Size(1);
        if (t > MaxLength) throw new ArgumentException($"token sequences of length {t} exceed the maximum {MaxLength}");
        using var padding = ids.Eq(BpeTokenizer.PadId);                 // [B, T] true = padding
        using var emb = _tokens.Forward(ids);
        using var pos = _positions.Narrow(0, 0, t);
        using var x = emb + pos;
        using var h = _encoder.Forward(x, padding);
        var n = _norm.Forward(h);
        using var keep = padding.LogicalNot();
        using var keepF = keep.Unsqueeze(2).To(n.DType);
        using var masked = n * keepF;
        using var summed = masked.Sum(1);
        using var counts = keepF.Sum(1).ClampMin(1);
        using var mean = summed / counts;
        return (_projection.Forward(mean), n);
    }
}
