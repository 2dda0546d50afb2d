using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A small ResNet-style image encoder: a stride-2 3x3 stem, then <c>stages</c> residual blocks whose channels double
/// (width, 2·width, ...) while the resolution halves after the first, global average pooling and a linear projection
/// to the embedding size. Input [B, 3, H, W] normalised to about [-1, 1]; output [B, dim] (not normalised).
/// </summary>
internal sealed class CnnImageEncoder : Layer, ITokenEncoder
{
    private readonly Sequential _stem, _stages;
    private readonly Linear _projection;

    public CnnImageEncoder(int width, int stages, int embeddingDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stages, 1);
        _stem = RegisterModule("stem", new Sequential(new Conv2d(3, width, 3, 2, 1, bias: false), new BatchNorm2d(width), new ReLU()));
        _stages = RegisterModule("stages", new Sequential());
        long channels = width;
        for (int i = 0; i < stages; i++)
        {
            long next = i == 0 ? width : channels * 2;
            _stages.Add(new ResidualBlock(channels, next, i == 0 ? 1 : 2));
            channels = next;
        }
        _projection = RegisterModule("projection", new Linear(channels, embeddingDim, bias: false));
        TokenWidth = channels;
    }

    public long TokenWidth { get; private set; }

    public override Tensor Forward(Tensor input)
    {
        using var s = _stem.Forward(input);
        using var f = _stages.Forward(s);
        using var pooled = f.Mean([2, 3]);
        return _projection.Forward(pooled);
    }

    /// <summary>The embedding and the final feature map as tokens [B, h·w, channels].</summary>
    public (Tensor Embedding, Tensor Tokens) ForwardWithTokens(Tensor input)
    {
        using var s = _stem.Forward(input);
        using var f = _stages.Forward(s);
        using var pooled = f.Mean([2, 3]);
        using var flat = f.Flatten(2);
        return (_projection.Forward(pooled), flat.Transpose(1, 2));
    }
}
