namespace MLExtensions.Torch.NN;

/// <summary>
/// Multi-head scaled dot-product attention on batch-first inputs [B, T, E], with torch's parameter layout:
/// packed <c>in_proj_weight</c> [3E, E] (query, key, value rows), <c>in_proj_bias</c> [3E] and
/// <c>out_proj</c> (E to E). Initialisation: Xavier-uniform input projection, zero biases.
/// </summary>
public sealed class MultiheadAttention : Module
{
    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0.0, bool bias = true,
        Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embedDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numHeads);
        if (embedDim % numHeads != 0) throw new ArgumentException($"embed_dim ({embedDim}) must be divisible by num_heads ({numHeads})", nameof(numHeads));
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1)");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        DropoutP = dropout;

        var w = Torch.Empty([3 * embedDim, embedDim], dtype, device);
        Init.XavierUniform_(w);
        RegisterParameter("in_proj_weight", w);
        if (bias) RegisterParameter("in_proj_bias", Torch.Zeros([3 * embedDim], dtype, device));
        var outProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, device, dtype));
        if (outProj.Bias is { } ob) Init.Zeros_(ob);
    }

    public long EmbedDim { get; }
    public long NumHeads { get; }
    public long HeadDim { get; }
    public double DropoutP { get; }
    public Tensor InProjWeight => GetParameter("in_proj_weight")!;
    public Tensor? InProjBias => GetParameter("in_proj_bias");
    public Linear OutProj => (Linear)GetModule("out_proj")!;

    /// <summary>Self-attention of <paramref name="x"/> [B, T, E]; see the full overload for the masks.</summary>
    public Tensor SelfAttention(Tensor x, Tensor? keyPaddingMask = null, Tensor? attnMask = null) =>
        Forward(x, x, x, keyPaddingMask, attnMask, needWeights: false).Output;

    /// <summary>
    /// Attention of <paramref name="query"/> [B, T, E] over <paramref name="key"/>/<paramref name="value"/> [B, S, E].
    /// </summary>
    /// <param name="query">[B, T, E].</param>
    /// <param name="key">[B, S, E].</param>
    /// <param name="value">[B, S, E].</param>
    /// <param name="keyPaddingMask">[B, S]: bool (true = this key is padding and is ignored) or float (added to the scores).</param>
    /// <param name="attnMask">[T, S] or [B * H, T, S]: bool (true = not allowed to attend) or float (added to the scores).</param>
    /// <param name="needWeights">Also return the attention weights (after dropout, as torch does).</param>
    /// <param name="averageAttnWeights">Average the weights over heads ([B, T, S]) instead of per head ([B, H, T, S]).</param>
    /// <returns>The output [B, T, E] and, when asked, the attention weights.</returns>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        Tensor? attnMask = null, bool needWeights = true, bool averageAttnWeights = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Dim != 3 || key.Dim != 3 || value.Dim != 3)
            throw new ArgumentException($"MultiheadAttention expects batch-first [B, T, E] inputs, got query [{string.Join(", ", query.Shape)}], key [{string.Join(", ", key.Shape)}], value [{string.Join(", ", value.Shape)}]");
        long b = query.Size(0), t = query.Size(1), s = key.Size(1), e = EmbedDim, h = NumHeads, d = HeadDim;
        if (query.Size(2) != e || key.Size(2) != e || value.Size(2) != e)
            throw new ArgumentException($"MultiheadAttention({e}) got embedding sizes query {query.Size(2)}, key {key.Size(2)}, value {value.Size(2)}");
        if (key.Size(0) != b || value.Size(0) != b || value.Size(1) != s)
            throw new ArgumentException($"key [{string.Join(", ", key.Shape)}] and value [{string.Join(", ", value.Shape)}] must be [{b}, S, {e}] with the same S");
        if (keyPaddingMask is not null && (keyPaddingMask.Dim != 2 || keyPaddingMask.Size(0) != b || keyPaddingMask.Size(1) != s))
            throw new ArgumentException($"key padding mask must be [{b}, {s}], got [{string.Join(", ", keyPaddingMask.Shape)}]", nameof(keyPaddingMask));

        Tensor q, k, v;
        var w = InProjWeight;
        var bias = InProjBias;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            using var qkv = Functional.Linear(query, w, bias);
            var parts = qkv.Chunk(3, -1);
            (q, k, v) = (parts[0], parts[1], parts[2]);
        }
        else
        {
            q = Project(query, w, bias, 0, e);
            k = Project(key, w, bias, 1, e);
            v = Project(value, w, bias, 2, e);
        }

        Tensor scores;
        using (q)
        using (k)
        {
            using var qh = SplitHeads(q, b, t, h, d);
            using var kh = SplitHeads(k, b, s, h, d);
            using var qs = qh * (1.0 / Math.Sqrt(d));
            using var kt = kh.Transpose(-2, -1);
            scores = qs.Matmul(kt); // [B, H, T, S]
        }

        if (attnMask is not null)
        {
            using var view = AttnMaskView(attnMask, b, h, t, s);
            scores = ApplyMask(scores, view);
        }
        if (keyPaddingMask is not null)
        {
            using var view = keyPaddingMask.View(b, 1, 1, s);
            scores = ApplyMask(scores, view);
        }

        Tensor weights;
        using (scores) weights = scores.Softmax(-1);
        if (IsTraining && DropoutP > 0)
        {
            using var pre = weights;
            weights = Functional.Dropout(pre, DropoutP, true);
        }

        Tensor output;
        using (v)
        using (var vh = SplitHeads(v, b, s, h, d))
        using (var ctx = weights.Matmul(vh))          // [B, H, T, D]
        using (var merged = ctx.Transpose(1, 2))
        using (var flat = merged.Reshape(b, t, e))
            output = OutProj.Forward(flat);

        if (!needWeights)
        {
            weights.Dispose();
            return (output, null);
        }
        if (!averageAttnWeights) return (output, weights);
        using (weights) return (output, weights.Mean(1));
    }

    private static Tensor Project(Tensor x, Tensor w, Tensor? bias, int index, long e)
    {
        using var wi = w.Narrow(0, index * e, e);
        using var bi = bias?.Narrow(0, index * e, e);
        return Functional.Linear(x, wi, bi);
    }

    private static Tensor SplitHeads(Tensor x, long b, long len, long h, long d)
    {
        using var view = x.Reshape(b, len, h, d);
        return view.Transpose(1, 2);
    }

    private static Tensor AttnMaskView(Tensor mask, long b, long h, long t, long s)
    {
        var shape = mask.Shape;
        if (shape.Length == 2 && shape[0] == t && shape[1] == s) return mask.View(1, 1, t, s);
        if (shape.Length == 3 && shape[0] == b * h && shape[1] == t && shape[2] == s) return mask.View(b, h, t, s);
        throw new ArgumentException($"attention mask must be [{t}, {s}] or [{b * h}, {t}, {s}], got [{string.Join(", ", shape)}]", "attnMask");
    }

    /// <summary>Bool masks fill -inf where true; float masks are added. Disposes <paramref name="scores"/>.</summary>
    private static Tensor ApplyMask(Tensor scores, Tensor mask)
    {
        using (scores)
        {
            if (mask.DType == ScalarType.Bool) return scores.MaskedFill(mask, double.NegativeInfinity);
            return scores + mask;
        }
    }

    protected override string ExtraDescription() => $"embed_dim={EmbedDim}, num_heads={NumHeads}, dropout={DropoutP}";
}
