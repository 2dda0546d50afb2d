using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Training;

namespace MLExtensions.Tests.Pack;

[TestClass]
public sealed class TrainingLoopTests
{
    private sealed class ListProgress : IProgress<TrainingProgress>
    {
        public readonly List<TrainingProgress> Reports = new();
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    /// <summary>Sets every weight of <paramref name="module"/> to <paramref name="value"/>, standing in for an optimizer step.</summary>
    private static void SetWeights(Module module, double value)
    {
        using var noGrad = torch.NoGrad();
        foreach (var p in module.Parameters()) p.Fill_(value);
    }

    [TestMethod]
    public void Early_stopping_stops_at_the_right_epoch_and_restores_the_best_weights()
    {
        // Validation metric per epoch: best at epoch 2, then three epochs without improvement.
        double[] metric = [0.10, 0.50, 0.45, 0.50, 0.30, 0.90, 0.95];
        using var module = new Linear(3, 2);
        var progress = new ListProgress();
        var modes = new List<bool>();
        var loop = new TrainingLoop(new TrainingLoopOptions
        {
            Epochs = metric.Length, StepsPerEpoch = 4, MetricName = "accuracy", Progress = progress,
            EarlyStopping = new EarlyStoppingOptions { Patience = 3, Maximize = true },
        });
        var result = loop.Run(
            step =>
            {
                modes.Add(module.IsTraining);
                SetWeights(module, step.Epoch * 100 + step.Step);
                return 1.0 / step.GlobalStep;
            },
            epoch => { modes.Add(module.IsTraining); return metric[epoch - 1]; },
            module);

        Assert.IsTrue(result.StoppedEarly);
        Assert.AreEqual(5, result.Epochs);
        Assert.AreEqual(20L, result.Steps);
        Assert.AreEqual(2, result.BestEpoch);
        Assert.AreEqual(0.50, result.BestMetric);
        Assert.IsTrue(result.RestoredBestWeights);
        Assert.IsTrue(module.Parameters().All(p => p.ToArray<float>().All(v => v == 204f)), "weights of the end of epoch 2");
        Assert.IsTrue(module.IsTraining);
        // Training steps ran in train mode, validations in eval mode.
        CollectionAssert.AreEqual(new[] { true, true, true, true, false }, modes.Take(5).ToArray());

        var validations = progress.Reports.Where(r => r.IsValidation).ToList();
        CollectionAssert.AreEqual(new[] { 0.10, 0.50, 0.45, 0.50, 0.30 }, validations.Select(r => r.Metric!.Value).ToArray());
        Assert.AreEqual(0.50, validations[^1].BestMetric);
        var last = progress.Reports[^1];
        Assert.AreEqual(20L, last.Step);
        Assert.AreEqual(28L, last.TotalSteps);
        Assert.IsNotNull(last.Eta);
        Assert.AreEqual("accuracy", last.MetricName);
        Assert.AreEqual(20, progress.Reports.Count(r => !r.IsValidation));
    }

    [TestMethod]
    public void Min_epochs_keeps_training_through_a_flat_start_and_still_tracks_the_best()
    {
        // Flat for four epochs (best at 2), then rising: patience 2 alone would stop after epoch 4.
        double[] metric = [0.02, 0.03, 0.02, 0.02, 0.02, 0.10, 0.30, 0.25, 0.20, 0.50];
        EarlyStoppingOptions Stopping(int minEpochs) => new() { Patience = 2, Maximize = true, MinEpochs = minEpochs };
        var plain = new TrainingLoop(new TrainingLoopOptions { Epochs = metric.Length, StepsPerEpoch = 1, EarlyStopping = Stopping(0) })
            .Run(_ => 0.0, epoch => metric[epoch - 1]);
        Assert.AreEqual(4, plain.Epochs);
        Assert.AreEqual(2, plain.BestEpoch);

        var patient = new TrainingLoop(new TrainingLoopOptions { Epochs = metric.Length, StepsPerEpoch = 1, EarlyStopping = Stopping(6) })
            .Run(_ => 0.0, epoch => metric[epoch - 1]);
        Assert.IsTrue(patient.StoppedEarly);
        Assert.AreEqual(9, patient.Epochs, "after epoch 6, patience counts as usual: best 7, stop after 9");
        Assert.AreEqual(7, patient.BestEpoch);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new TrainingLoop(new TrainingLoopOptions { Epochs = 3, StepsPerEpoch = 1, EarlyStopping = Stopping(-1) }));
    }

    [TestMethod]
    public void Minimize_with_min_delta_ignores_tiny_improvements()
    {
        double[] loss = [1.0, 0.8, 0.79, 0.785, 0.5];
        var loop = new TrainingLoop(new TrainingLoopOptions
        {
            Epochs = loss.Length, StepsPerEpoch = 1,
            EarlyStopping = new EarlyStoppingOptions { Patience = 2, MinDelta = 0.05, Maximize = false },
        });
        var result = loop.Run(_ => 0.0, epoch => loss[epoch - 1]);
        Assert.IsTrue(result.StoppedEarly);
        Assert.AreEqual(4, result.Epochs);
        Assert.AreEqual(2, result.BestEpoch);
        Assert.IsFalse(result.RestoredBestWeights, "no module was given");
    }

    [TestMethod]
    public void Runs_every_epoch_without_early_stopping_and_reports_mean_losses()
    {
        var loop = new TrainingLoop(new TrainingLoopOptions { Epochs = 3, StepsPerEpoch = 2 });
        var result = loop.Run(step => step.Epoch * 10 + step.Step);
        Assert.IsFalse(result.StoppedEarly);
        CollectionAssert.AreEqual(new[] { 11.5, 21.5, 31.5 }, result.History.Select(h => h.MeanLoss).ToArray());
        Assert.AreEqual(31.5, result.FinalLoss);
        Assert.IsNull(result.BestEpoch);
    }

    [TestMethod]
    public void Each_step_frees_its_tensors()
    {
        var created = new List<Tensor>();
        var loop = new TrainingLoop(new TrainingLoopOptions { Epochs = 2, StepsPerEpoch = 3 });
        loop.Run(_ =>
        {
            var t = torch.Randn([16, 16]);
            var u = t.Matmul(t);
            created.Add(t);
            created.Add(u);
            Assert.IsFalse(t.IsDisposed);
            return u.Mean().Item<float>();
        });
        Assert.AreEqual(12, created.Count);
        Assert.IsTrue(created.All(t => t.IsDisposed));
    }

    [TestMethod]
    public void Cancellation_stops_between_steps()
    {
        using var cts = new CancellationTokenSource();
        int steps = 0;
        var loop = new TrainingLoop(new TrainingLoopOptions { Epochs = 10, StepsPerEpoch = 10 });
        Assert.ThrowsExactly<OperationCanceledException>(() => loop.Run(_ =>
        {
            if (++steps == 3) cts.Cancel();
            return 0.0;
        }, cancellationToken: cts.Token));
        Assert.AreEqual(3, steps);
    }

    [TestMethod]
    public void Non_finite_loss_stops_with_a_hint()
    {
        var loop = new TrainingLoop(new TrainingLoopOptions { Epochs = 2, StepsPerEpoch = 5 });
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => loop.Run(step => step.GlobalStep == 7 ? double.NaN : 1.0));
        StringAssert.StartsWith(e.Message, "the training loss became NaN at epoch 2, step 2");
    }

    [TestMethod]
    public void Invalid_options_are_rejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingLoop(new TrainingLoopOptions { StepsPerEpoch = 0 }));
        var loop = new TrainingLoop(new TrainingLoopOptions { StepsPerEpoch = 1, EarlyStopping = new EarlyStoppingOptions() });
        Assert.ThrowsExactly<ArgumentException>(() => loop.Run(_ => 0.0));
    }
}
