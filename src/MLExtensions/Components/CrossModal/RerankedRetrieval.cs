namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The top k candidates of every query, both ways, by cosine similarity (sims: images x texts, row-major), and their
/// re-ordering by scale · cosine + weight · match logit of the fusion head. Candidates below the top k keep their order
/// under the re-ranked ones; candidates tied with the k-th are re-ranked too, and equal scores keep equal ranks, so
/// weight 0 gives back exactly the ranks of the embedding order.
/// </summary>
internal sealed class RerankedRetrieval
{
    /// <summary>The match weights tried on validation pairs: 0 (embeddings only) up to 1000 (the head decides alone).</summary>
    public static readonly double[] WeightGrid = [0, 0.25, 0.5, 1, 2, 4, 8, 16, 1000];

    private readonly float[] _sims;
    private readonly int _rows, _cols;
    private readonly int[] _cells; // each image query's top cells, then each text query's
    private readonly int[] _starts; // where each query's cells begin in _cells (rows + cols + 1 entries)

    public RerankedRetrieval(float[] sims, int rows, int cols, int k)
    {
        if (sims.Length != rows * cols) throw new ArgumentException($"{sims.Length} similarities for {rows} x {cols}");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _sims = sims;
        _rows = rows;
        _cols = cols;
        var cells = new List<int>();
        var starts = new List<int>();
        for (int q = 0; q < rows; q++)
        {
            starts.Add(cells.Count);
            cells.AddRange(Top(cols, Math.Min(k, cols), c => q * cols + c));
        }
        for (int q = 0; q < cols; q++)
        {
            starts.Add(cells.Count);
            cells.AddRange(Top(rows, Math.Min(k, rows), c => c * cols + q));
        }
        starts.Add(cells.Count);
        _cells = cells.ToArray();
        _starts = starts.ToArray();
        ImageRows = _cells.Select(c => (long)(c / cols)).ToArray();
        TextRows = _cells.Select(c => (long)(c % cols)).ToArray();
    }

    /// <summary>The image of each (query, candidate) pair to score with the head.</summary>
    public long[] ImageRows { get; }

    /// <summary>The text of each pair to score with the head.</summary>
    public long[] TextRows { get; }

    // The k best cells of one query, and any further ones tied with the k-th.
    private IEnumerable<int> Top(int candidates, int k, Func<int, int> cell)
    {
        var sorted = Enumerable.Range(0, candidates).Select(cell).OrderByDescending(at => _sims[at]).ToArray();
        float kth = _sims[sorted[k - 1]];
        return sorted.TakeWhile((at, i) => i < k || _sims[at] == kth);
    }

    /// <summary>Recalls after re-ranking with the head's <paramref name="logits"/> (one per pair of <see cref="ImageRows"/>).</summary>
    public RetrievalMetrics Metrics(bool[] relevant, float[] logits, double scale, double weight)
    {
        if (logits.Length != _cells.Length) throw new ArgumentException($"{logits.Length} match logits for {_cells.Length} pairs");
        var i2t = Reordered(0, _rows, logits, scale, weight);
        var t2i = Reordered(_rows, _cols, logits, scale, weight);
        return new RetrievalMetrics(
            RetrievalMetrics.Ranks(i2t, relevant, _rows, _cols, transpose: false),
            RetrievalMetrics.Ranks(t2i, relevant, _rows, _cols, transpose: true));
    }

    // A copy of the similarities where each query's top cells score 2 + (their count − how many of them score higher
    // after re-ranking): above every cosine, in the new order, ties kept.
    private float[] Reordered(int firstQuery, int queries, float[] logits, double scale, double weight)
    {
        var adjusted = (float[])_sims.Clone();
        for (int q = firstQuery; q < firstQuery + queries; q++)
        {
            int first = _starts[q], n = _starts[q + 1] - first;
            var scores = new double[n];
            for (int j = 0; j < n; j++) scores[j] = scale * _sims[_cells[first + j]] + weight * logits[first + j];
            for (int j = 0; j < n; j++)
            {
                int higher = 0;
                for (int i = 0; i < n; i++) if (scores[i] > scores[j]) higher++;
                adjusted[_cells[first + j]] = 2 + n - higher;
            }
        }
        return adjusted;
    }

    /// <summary>The weight of <see cref="WeightGrid"/> with the best mean recall (the smallest one on ties) and its metrics.</summary>
    public (double Weight, RetrievalMetrics Metrics) ChooseWeight(bool[] relevant, float[] logits, double scale)
    {
        double bestWeight = 0;
        var best = Metrics(relevant, logits, scale, 0);
        foreach (var w in WeightGrid.Skip(1))
        {
            var m = Metrics(relevant, logits, scale, w);
            if (m.MeanRecall > best.MeanRecall + 1e-12) (bestWeight, best) = (w, m);
        }
        return (bestWeight, best);
    }
}
