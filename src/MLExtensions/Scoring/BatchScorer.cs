using MLExtensions.Torch;
using MLExtensions.Data;

namespace MLExtensions.Scoring;

/// <summary>
/// Streaming, batched scoring: one forward pass per batch (never per row), under no-grad and a dispose scope per
/// batch, holding one batch at a time, so memory stays constant in the number of rows.
/// </summary>
public static class BatchScorer
{
    /// <summary>
    /// Applies <paramref name="transform"/> to each batch of <paramref name="batches"/> as it is enumerated. Tensors the
    /// transform creates are freed before its output is handed on; the output must hold host data (as DataBatch does).
    /// </summary>
    public static IEnumerable<DataBatch> Score(IEnumerable<DataBatch> batches, Func<DataBatch, DataBatch> transform,
                                              CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(transform);
        return Iterate();

        IEnumerable<DataBatch> Iterate()
        {
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // The guard and the scope close before the yield: the consumer's code must not run inside them.
                yield return ScoreOne(batch, transform);
            }
        }
    }

    /// <summary>Scores one batch under no-grad and its own dispose scope.</summary>
    public static DataBatch ScoreOne(DataBatch batch, Func<DataBatch, DataBatch> transform)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(transform);
        using var noGrad = torch.NoGrad();
        using var scope = torch.NewDisposeScope();
        return transform(batch);
    }

    /// <summary>Streams <paramref name="batches"/> through <paramref name="model"/> (see <see cref="Score"/>).</summary>
    public static IEnumerable<DataBatch> TransformBatches(this ITransformer model, IEnumerable<DataBatch> batches,
                                                         CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Score(batches, model.Transform, cancellationToken);
    }

    /// <summary>
    /// Regroups a stream into batches of exactly <paramref name="batchSize"/> rows (the last may be shorter): large
    /// batches are sliced without copying, small ones are joined. Holds at most one output batch of rows.
    /// </summary>
    public static IEnumerable<DataBatch> Rebatch(IEnumerable<DataBatch> batches, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Iterate();

        IEnumerable<DataBatch> Iterate()
        {
            var pending = new List<DataBatch>();
            int pendingRows = 0;
            foreach (var batch in batches)
            {
                int start = 0;
                while (start < batch.RowCount)
                {
                    int take = Math.Min(batchSize - pendingRows, batch.RowCount - start);
                    pending.Add(batch.Slice(start, take));
                    pendingRows += take;
                    start += take;
                    if (pendingRows == batchSize)
                    {
                        yield return DataBatch.Concat(pending);
                        pending.Clear();
                        pendingRows = 0;
                    }
                }
            }
            if (pendingRows > 0) yield return DataBatch.Concat(pending);
        }
    }
}
