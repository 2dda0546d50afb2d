namespace MLExtensions.Torch.NN;

/// <summary>Feed-forward activation of a transformer layer.</summary>
public enum TransformerActivation { Relu, Gelu }

/// <summary>
/// One transformer encoder block on batch-first [B, T, E] inputs, with torch's child names
/// (<c>self_attn</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>, <c>dropout</c>, <c>dropout1</c>, <c>dropout2</c>).
/// Pre-norm by default: x + attn(norm1(x)), then x + ff(norm2(x)); with <c>normFirst: false</c> the
/// post-norm form norm1(x + attn(x)), norm2(x + ff(x)).
/// </summary>
public sealed class TransformerEncoderLayer : Layer
{
    private readonly MultiheadAttention _attn;
    private readonly Linear _linear1, _linear2;
    private readonly LayerNorm _norm1, _norm2;
    private readonly Dropout _dropout, _dropout1, _dropout2;

    public TransformerEncoderLayer(long dModel, long nHead, long dimFeedforward = 2048, double dropout = 0.1,
        TransformerActivation activation = TransformerActivation.Gelu, double layerNormEps = 1e-5, bool normFirst = true,
        bool bias = true, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimFeedforward);
        Activation = activation;
        NormFirst = normFirst;
        _attn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, dropout, bias, device, dtype));
        _linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, device, dtype));
        _dropout = RegisterModule("dropout", new Dropout(dropout));
        _linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, device, dtype));
        _norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, true, bias, device, dtype));
        _norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, true, bias, device, dtype));
        _dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        _dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    public TransformerActivation Activation { get; }
    public bool NormFirst { get; }
    public MultiheadAttention SelfAttn => _attn;

    public override Tensor Forward(Tensor input) => Forward(input, null, null);

    /// <param name="input">[B, T, E].</param>
    /// <param name="keyPaddingMask">[B, T] (true = padding, ignored as a key).</param>
    /// <param name="attnMask">[T, T] or [B * H, T, T] (true = not allowed, or additive float).</param>
    public Tensor Forward(Tensor input, Tensor? keyPaddingMask, Tensor? attnMask = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (NormFirst)
        {
            Tensor x;
            using (var n1 = _norm1.Forward(input))
            using (var sa = AttentionBlock(n1, keyPaddingMask, attnMask))
                x = input + sa;
            using (x)
            using (var n2 = _norm2.Forward(x))
            using (var ff = FeedForwardBlock(n2))
                return x + ff;
        }
        else
        {
            Tensor x;
            using (var sa = AttentionBlock(input, keyPaddingMask, attnMask))
            using (var sum = input + sa)
                x = _norm1.Forward(sum);
            using (x)
            using (var ff = FeedForwardBlock(x))
            using (var sum = x + ff)
                return _norm2.Forward(sum);
        }
    }

    private Tensor AttentionBlock(Tensor x, Tensor? keyPaddingMask, Tensor? attnMask)
    {
        var (output, _) = _attn.Forward(x, x, x, keyPaddingMask, attnMask, needWeights: false);
        using (output) return _dropout1.Forward(output);
    }

    private Tensor FeedForwardBlock(Tensor x)
    {
        using var h = _linear1.Forward(x);
        using var a = Activation == TransformerActivation.Gelu ? h.Gelu() : h.Relu();
        using var d = _dropout.Forward(a);
        using var o = _linear2.Forward(d);
        return _dropout2.Forward(o);
    }

    protected override string ExtraDescription() => $"activation={Activation}, norm_first={NormFirst}";
}

/// <summary>A stack of encoder layers (children <c>layers.0</c>, <c>layers.1</c>, ...) with an optional final <c>norm</c>.</summary>
public sealed class TransformerEncoder : Layer
{
    private readonly Sequential _layers;
    private readonly LayerNorm? _norm;

    /// <param name="numLayers">How many layers to create.</param>
    /// <param name="createLayer">Makes each layer (called once per layer, so each has its own parameters).</param>
    /// <param name="finalNorm">Applied after the last layer (pre-norm stacks usually need one).</param>
    public TransformerEncoder(int numLayers, Func<TransformerEncoderLayer> createLayer, LayerNorm? finalNorm = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        ArgumentNullException.ThrowIfNull(createLayer);
        _layers = RegisterModule("layers", new Sequential());
        for (int i = 0; i < numLayers; i++) _layers.Add(createLayer());
        if (finalNorm is not null) _norm = RegisterModule("norm", finalNorm);
    }

    public int Count => _layers.Count;
    public TransformerEncoderLayer this[int index] => (TransformerEncoderLayer)_layers[index];

    public override Tensor Forward(Tensor input) => Forward(input, null, null);

    public Tensor Forward(Tensor input, Tensor? keyPaddingMask, Tensor? attnMask = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        for (int i = 0; i < _layers.Count; i++)
        {
            var y = this[i].Forward(x, keyPaddingMask, attnMask);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = y;
        }
        if (_norm is null) return x;
        using (x) return _norm.Forward(x);
    }
}
