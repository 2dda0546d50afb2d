namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The top k candidates of every query, both ways, by cosine similarity (sims: images x texts, row-major), and their
/// re-ordering by scale · cosine + weight · match logit of the fusion head. Candidates below the top k keep their order
/// under the re-ranked ones; weight 0 gives back the embedding order.
/// </summary>
internal sealed class RerankedRetrieval
{
    /// <summary>The match weights tried on validation pairs: 0 (embeddings only) up to 1000 (the head decides alone).</summary>
    public static readonly double[] WeightGrid = [0, 0.25, 0.5, 1, 2, 4, 8, 16, 1000];

    private readonly float[] _sims;
    private readonly int _rows, _cols, _k;
    private readonly int[] _cells; // image→text cells (rows x k) then text→image cells (cols x k)

    public RerankedRetrieval(float[] sims, int rows, int cols, int k)
    {
        if (sims.Length != rows * cols) throw new ArgumentException($"{sims.Length} similarities for {rows} x {cols}");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _sims = sims;
        _rows = rows;
        _cols = cols;
        _k = k;
        var cells = new List<int>();
        for (int q = 0; q < rows; q++) cells.AddRange(Top(q, cols, Math.Min(k, cols), c => q * cols + c));
        for (int q = 0; q < cols; q++) cells.AddRange(Top(q, rows, Math.Min(k, rows), c => c * cols + q));
        _cells = cells.ToArray();
        ImageRows = _cells.Select(c => (long)(c / cols)).ToArray();
        TextRows = _cells.Select(c => (long)(c % cols)).ToArray();
    }

    /// <summary>The image of each (query, candidate) pair to score with the head.</summary>
    public long[] ImageRows { get; }

    /// <summary>The text of each pair to score with the head.</summary>
    public long[] TextRows { get; }

    private IEnumerable<int> Top(int query, int candidates, int k, Func<int, int> cell) =>
        Enumerable.Range(0, candidates).Select(cell).OrderByDescending(at => _sims[at]).Take(k);

    /// <summary>Recalls after re-ranking with the head's <paramref name="logits"/> (one per pair of <see cref="ImageRows"/>).</summary>
    public RetrievalMetrics Metrics(bool[] relevant, float[] logits, double scale, double weight)
    {
        if (logits.Length != _cells.Length) throw new ArgumentException($"{logits.Length} match logits for {_cells.Length} pairs");
        int kI2t = Math.Min(_k, _cols), kT2i = Math.Min(_k, _rows);
        var i2t = Reordered(0, _rows, kI2t, logits, scale, weight);
        var t2i = Reordered(_rows * kI2t, _cols, kT2i, logits, scale, weight);
        return new RetrievalMetrics(
            RetrievalMetrics.Ranks(i2t, relevant, _rows, _cols, transpose: false),
            RetrievalMetrics.Ranks(t2i, relevant, _rows, _cols, transpose: true));
    }

    // A copy of the similarities where each query's top k score 2 + (k − position after re-ranking): above every cosine.
    private float[] Reordered(int offset, int queries, int k, float[] logits, double scale, double weight)
    {
        var adjusted = (float[])_sims.Clone();
        var order = new int[k];
        var scores = new double[k];
        for (int q = 0; q < queries; q++)
        {
            int first = offset + q * k;
            for (int j = 0; j < k; j++)
            {
                order[j] = j;
                scores[j] = scale * _sims[_cells[first + j]] + weight * logits[first + j];
            }
            Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]) is var c && c != 0 ? c : a.CompareTo(b));
            for (int position = 0; position < k; position++) adjusted[_cells[first + order[position]]] = 2 + k - position;
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
