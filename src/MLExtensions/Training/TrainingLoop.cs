using MLExtensions.Torch;
using System.Diagnostics;
using System.Globalization;
using MLExtensions.Torch.NN;

namespace MLExtensions.Training;

/// <summary>
/// Runs epochs of training steps given by a callback: a dispose scope per step (native memory is freed as the run
/// goes), validation under no-grad in eval mode, early stopping that keeps and restores the best weights,
/// progress with an ETA, and cancellation between steps.
/// </summary>
public sealed class TrainingLoop
{
    private readonly TrainingLoopOptions _options;
    private readonly MLExtContext? _context;

    /// <summary>Creates a loop; <paramref name="context"/>, when given, receives log messages.</summary>
    public TrainingLoop(TrainingLoopOptions options, MLExtContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be at least 1");
        if (options.StepsPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(options), options.StepsPerEpoch, "StepsPerEpoch must be at least 1");
        if (options.ValidateEveryEpochs < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ValidateEveryEpochs, "ValidateEveryEpochs must be at least 1");
        if (options.ReportEverySteps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ReportEverySteps, "ReportEverySteps must be at least 1");
        if (options.EarlyStopping is { Patience: < 1 }) throw new ArgumentOutOfRangeException(nameof(options), "EarlyStopping.Patience must be at least 1");
        if (options.EarlyStopping is { MinEpochs: < 0 }) throw new ArgumentOutOfRangeException(nameof(options), "EarlyStopping.MinEpochs must be 0 or more");
        if (options.EarlyStopping is { MinDelta: < 0 }) throw new ArgumentOutOfRangeException(nameof(options), "EarlyStopping.MinDelta must not be negative");
        _options = options;
        _context = context;
    }

    /// <summary>
    /// Runs the training. <paramref name="trainStep"/> does one step (forward, backward, optimizer step) and returns its
    /// loss; tensors it creates are freed when it returns. <paramref name="validate"/> (optional) returns the validation
    /// metric after an epoch. <paramref name="module"/> (optional) is switched between train and eval mode and, with
    /// early stopping, snapshotted at each best validation and restored at the end.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked before each step).</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite (see <see cref="TrainingLoopOptions.StopOnNonFiniteLoss"/>).</exception>
    public TrainingResult Run(Func<TrainingStep, double> trainStep, Func<int, double>? validate = null, Module? module = null,
                              CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainStep);
        var o = _options;
        var stopping = o.EarlyStopping;
        if (stopping != null && validate is null)
            throw new ArgumentException("early stopping needs a validate function", nameof(validate));

        long total = (long)o.Epochs * o.StepsPerEpoch;
        var clock = Stopwatch.StartNew();
        var history = new List<EpochSummary>();
        WeightsSnapshot? best = null;
        double? bestMetric = null, lastMetric = null;
        int? bestEpoch = null;
        int sinceBest = 0;
        bool stoppedEarly = false, restored = false;
        long globalStep = 0;
        try
        {
            for (int epoch = 1; epoch <= o.Epochs && !stoppedEarly; epoch++)
            {
                module?.Train();
                double lossSum = 0;
                for (int step = 1; step <= o.StepsPerEpoch; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    globalStep++;
                    double loss;
                    using (torch.NewDisposeScope())
                        loss = trainStep(new TrainingStep(epoch, step, globalStep, o.StepsPerEpoch, total, cancellationToken));
                    if (o.StopOnNonFiniteLoss && !double.IsFinite(loss))
                        throw new InvalidOperationException(
                            $"the training loss became {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch}, step {step}; " +
                            "lower the learning rate, clip gradients or check the data for NaN values");
                    lossSum += loss;
                    if (step % o.ReportEverySteps == 0 || step == o.StepsPerEpoch)
                        Report(epoch, globalStep, total, lossSum / step, lastMetric, bestMetric, false, clock.Elapsed);
                }

                double meanLoss = lossSum / o.StepsPerEpoch;
                double? metric = null;
                bool validateNow = validate != null && (epoch % o.ValidateEveryEpochs == 0 || epoch == o.Epochs);
                if (validateNow)
                {
                    metric = Validate(validate!, epoch, module);
                    lastMetric = metric;
                    if (stopping != null)
                    {
                        if (IsImprovement(metric.Value, bestMetric, stopping))
                        {
                            bestMetric = metric;
                            bestEpoch = epoch;
                            sinceBest = 0;
                            if (module != null && stopping.RestoreBestWeights)
                            {
                                best?.Dispose();
                                best = WeightsSnapshot.Capture(module);
                            }
                        }
                        else if (++sinceBest >= stopping.Patience && epoch >= stopping.MinEpochs && epoch < o.Epochs)
                        {
                            stoppedEarly = true;
                            Log($"early stopping after epoch {epoch}: {o.MetricName} has not improved for {sinceBest} validation(s); " +
                                $"best {Format(bestMetric)} at epoch {bestEpoch}");
                        }
                    }
                    Report(epoch, globalStep, total, meanLoss, metric, bestMetric, true, clock.Elapsed);
                }
                history.Add(new EpochSummary(epoch, meanLoss, metric, clock.Elapsed));
                if (!stoppedEarly && o.MaxDuration is { } budget && epoch < o.Epochs && clock.Elapsed * (epoch + 1) / epoch > budget)
                {
                    stoppedEarly = true;
                    Log($"stopping after epoch {epoch}: another epoch would end past the time budget of {budget.TotalMinutes.ToString("F0", CultureInfo.InvariantCulture)} min");
                }
            }

            if (best != null && module != null)
            {
                best.RestoreInto(module);
                restored = true;
                Log($"restored the weights of epoch {bestEpoch} ({o.MetricName} {Format(bestMetric)})");
            }
        }
        finally
        {
            best?.Dispose();
        }
        return new TrainingResult(history, globalStep, stoppedEarly, bestEpoch, bestMetric, restored, clock.Elapsed);
    }

    private static double Validate(Func<int, double> validate, int epoch, Module? module)
    {
        module?.Eval();
        try
        {
            using var noGrad = torch.NoGrad();
            using var scope = torch.NewDisposeScope();
            return validate(epoch);
        }
        finally
        {
            module?.Train();
        }
    }

    private static bool IsImprovement(double value, double? best, EarlyStoppingOptions s)
    {
        if (double.IsNaN(value)) return false;
        if (best is not double b) return true;
        return s.Maximize ? value > b + s.MinDelta : value < b - s.MinDelta;
    }

    private void Report(int epoch, long step, long total, double loss, double? metric, double? best, bool validation, TimeSpan elapsed)
    {
        if (_options.Progress is not { } progress) return;
        TimeSpan? eta = step == 0 ? null : TimeSpan.FromTicks((long)(elapsed.Ticks * ((double)(total - step) / step)));
        progress.Report(new TrainingProgress
        {
            Epoch = epoch,
            Epochs = _options.Epochs,
            Step = step,
            TotalSteps = total,
            Loss = loss,
            MetricName = _options.MetricName,
            Metric = metric,
            BestMetric = best,
            IsValidation = validation,
            Elapsed = elapsed,
            Eta = eta,
        });
    }

    private void Log(string message) => _context?.WriteLog(MessageSeverity.Info, nameof(TrainingLoop), message);

    private static string Format(double? v) => v?.ToString("G6", CultureInfo.InvariantCulture) ?? "n/a";
}
