using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.Classification;

/// <summary>
/// The mini-batch loop shared by the classifier and the distilled student: shuffled batches of row indices, AdamW,
/// validation accuracy after each epoch and early stopping that restores the best weights.
/// </summary>
internal static class MlpFitter
{
    public sealed record Settings(int Epochs, int BatchSize, double LearningRate, double WeightDecay, int Patience, int Seed);

    /// <summary>
    /// Trains <paramref name="trainable"/> (whose parameters, plus <paramref name="extraParameters"/>, are optimised)
    /// over <paramref name="rowCount"/> rows. <paramref name="batchLoss"/> gets a [B] int64 tensor of row indices and
    /// returns the mean loss of those rows. <paramref name="validate"/> (optional) returns an accuracy.
    /// </summary>
    public static TrainingResult Run(Module trainable, IEnumerable<Tensor> extraParameters, long rowCount, Func<Tensor, Tensor> batchLoss,
                                     Func<double>? validate, Settings s, IProgress<TrainingProgress>? progress, MLExtContext context,
                                     CancellationToken cancellationToken)
    {
        if (rowCount < 1) throw new ArgumentException("there are no training rows");
        var device = trainable.Parameters().FirstOrDefault()?.Device ?? Device.CPU;
        using var optimizer = new AdamW(trainable.Parameters().Concat(extraParameters).ToList(), s.LearningRate, weightDecay: s.WeightDecay);
        using var order = new Generator(unchecked((ulong)s.Seed));
        int batch = (int)Math.Min(s.BatchSize, rowCount);
        int steps = (int)((rowCount + batch - 1) / batch);
        Tensor? permutation = null;
        var loopOptions = new TrainingLoopOptions
        {
            Epochs = s.Epochs,
            StepsPerEpoch = steps,
            MetricName = "val_accuracy",
            EarlyStopping = validate != null && s.Patience > 0 ? new EarlyStoppingOptions { Patience = s.Patience, Maximize = true } : null,
            Progress = progress,
            ReportEverySteps = Math.Max(1, steps / 4),
        };
        try
        {
            return new TrainingLoop(loopOptions, context).Run(step =>
            {
                if (step.Step == 1)
                {
                    permutation?.Dispose();
                    permutation = torch.Randperm(rowCount, order).To(device).DetachFromDisposeScope();
                }
                long start = (long)(step.Step - 1) * batch;
                var rows = permutation!.Narrow(0, start, Math.Min(batch, rowCount - start));
                var loss = batchLoss(rows);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                return loss.Item<float>();
            },
            validate is null ? null : _ => validate(),
            trainable,
            cancellationToken);
        }
        finally
        {
            permutation?.Dispose();
        }
    }

    /// <summary>Share of rows whose arg-max logit is the label, scored in chunks.</summary>
    public static double Accuracy(Func<Tensor, Tensor> logitsOf, Tensor x, Tensor y)
    {
        long n = x.Size(0), correct = 0;
        for (long start = 0; start < n; start += 8192)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(8192, n - start);
            correct += logitsOf(x.Narrow(0, start, count)).Argmax(1).Eq(y.Narrow(0, start, count)).Sum().Item<long>();
        }
        return n == 0 ? double.NaN : (double)correct / n;
    }

    /// <summary>Row indices 0..n-1 shuffled by <paramref name="seed"/>, split into (train, validation).</summary>
    public static (int[] Train, int[] Validation) Split(IReadOnlyList<int> rows, double validationFraction, int seed)
    {
        var shuffled = rows.ToArray();
        new Random(seed).Shuffle(shuffled);
        int validation = validationFraction > 0 ? (int)Math.Round(shuffled.Length * validationFraction) : 0;
        if (validation >= shuffled.Length) validation = shuffled.Length - 1;
        return (shuffled[validation..], shuffled[..validation]);
    }
}
