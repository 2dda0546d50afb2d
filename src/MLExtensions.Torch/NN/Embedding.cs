namespace MLExtensions.Torch.NN;

/// <summary>
/// A lookup table [num, dim] initialised N(0, 1). The optional padding row starts at zero and receives no gradient.
/// </summary>
public sealed class Embedding : Layer
{
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        if (paddingIdx is { } p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"padding index must be within [-{numEmbeddings}, {numEmbeddings})");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        var w = Torch.Empty([numEmbeddings, embeddingDim], dtype, device);
        Init.Normal_(w);
        if (PaddingIdx is { } pad)
        {
            using var row = w.Select(0, pad);
            Init.Zeros_(row);
        }
        RegisterParameter("weight", w);
    }

    public long NumEmbeddings { get; }
    public long EmbeddingDim { get; }
    public long? PaddingIdx { get; }
    public Tensor Weight => GetParameter("weight")!;

    /// <summary>Rows of the table for integer <paramref name="input"/> of any shape: [..., dim].</summary>
    public override Tensor Forward(Tensor input) => Functional.Embedding(Weight, input, PaddingIdx ?? -1);

    protected override string ExtraDescription() =>
        $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
