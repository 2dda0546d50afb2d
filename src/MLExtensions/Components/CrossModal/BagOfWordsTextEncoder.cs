using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The baseline text encoder: the mean of the token embeddings of a caption (padding ignored), layer-normalised and
/// projected. Input [B, T] ids; output [B, dim] (not normalised).
/// </summary>
internal sealed class BagOfWordsTextEncoder : Layer, ITokenEncoder
{
    private readonly Embedding _tokens;
    private readonly LayerNorm _norm;
    private readonly Linear _projection;

    public BagOfWordsTextEncoder(int vocabularySize, int width, int embeddingDim)
    {
        _tokens = RegisterModule("token_embed", new Embedding(vocabularySize, width, paddingIdx: BpeTokenizer.PadId));
        _norm = RegisterModule("norm", new LayerNorm(width));
        _projection = RegisterModule("projection", new Linear(width, embeddingDim, bias: false));
        TokenWidth = width;
    }

    public long TokenWidth { get; }

    public override Tensor Forward(Tensor ids)
    {
        var (embedding, tokens) = ForwardWithTokens(ids);
        tokens.Dispose();
        return embedding;
    }

    /// <summary>The embedding and the token embeddings [B, T, width].</summary>
    public (Tensor Embedding, Tensor Tokens) ForwardWithTokens(Tensor ids)
    {
        var emb = _tokens.Forward(ids);
        using var keep = ids.Ne(BpeTokenizer.PadId);
        using var keepF = keep.Unsqueeze(2).To(emb.DType);
        using var masked = emb * keepF;
        using var summed = masked.Sum(1);
        using var counts = keepF.Sum(1).ClampMin(1);
        using var mean = summed / counts;
        using var n = _norm.Forward(mean);
        return (_projection.Forward(n), emb);
    }
}
