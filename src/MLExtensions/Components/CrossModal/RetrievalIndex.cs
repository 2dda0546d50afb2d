using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>One search result: the item's position in the index, its key and its cosine similarity to the query.</summary>
public readonly record struct RetrievalHit(int Index, string Key, float Score);

/// <summary>
/// L2-normalised embeddings [N, dim] with a key per row. <see cref="Search(Tensor, int)"/> scores queries against all
/// items by one matrix product per block of queries and keeps the top k.
/// </summary>
public sealed class RetrievalIndex : IDisposable
{
    private readonly Tensor _items;
    private readonly string[] _keys;

    /// <summary>Wraps <paramref name="embeddings"/> [N, dim] (copied; normalised rows expected) with their keys.</summary>
    public RetrievalIndex(Tensor embeddings, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(keys);
        if (embeddings.Dim != 2) throw new ArgumentException($"an index needs embeddings of shape [N, dim], got [{string.Join(", ", embeddings.Shape)}]");
        if (embeddings.Size(0) != keys.Count) throw new ArgumentException($"{embeddings.Size(0)} embeddings but {keys.Count} keys");
        _items = embeddings.To(ScalarType.Float32).Contiguous().DetachFromDisposeScope();
        _keys = keys.ToArray();
    }

    /// <summary>Indexed items.</summary>
    public int Count => _keys.Length;

    /// <summary>The key of each item.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The fusion head's inputs of the items (kept by the model's IndexImages / IndexTexts for re-ranking), or null.</summary>
    internal FusionFeatures? Features { get; init; }

    /// <summary>Queries scored per matrix product (default 1024).</summary>
    public int QueryBlockSize { get; set; } = 1024;

    /// <summary>The top <paramref name="k"/> items (best first) for each row of <paramref name="queries"/> [Q, dim].</summary>
    public RetrievalHit[][] Search(Tensor queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Dim != 2 || queries.Size(1) != _items.Size(1))
            throw new ArgumentException($"queries must be [Q, {_items.Size(1)}], got [{string.Join(", ", queries.Shape)}]");
        int q = (int)queries.Size(0), kk = Math.Min(k, Count);
        var result = new RetrievalHit[q][];
        if (kk == 0) { for (int i = 0; i < q; i++) result[i] = []; return result; }
        using var noGrad = torch.NoGrad();
        using var itemsT = _items.T();
        for (int start = 0; start < q; start += QueryBlockSize)
        {
            using var scope = torch.NewDisposeScope();
            int n = Math.Min(QueryBlockSize, q - start);
            var block = queries.Narrow(0, start, n).To(_items.Device, ScalarType.Float32);
            var scores = block.Mm(itemsT);
            var (values, indices) = scores.TopK(kk, 1);
            var v = values.Cpu().ToArray<float>();
            var ix = indices.Cpu().ToArray<long>();
            for (int i = 0; i < n; i++)
            {
                var hits = new RetrievalHit[kk];
                for (int j = 0; j < kk; j++)
                {
                    int item = (int)ix[i * kk + j];
                    hits[j] = new RetrievalHit(item, _keys[item], v[i * kk + j]);
                }
                result[start + i] = hits;
            }
        }
        return result;
    }

    /// <summary>Frees the embeddings (and the kept fusion inputs).</summary>
    public void Dispose()
    {
        _items.Dispose();
        Features?.Dispose();
    }
}
