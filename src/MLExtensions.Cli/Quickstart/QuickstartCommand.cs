using System.CommandLine;
using System.Diagnostics;
using MLExtensions.Cli.Commands;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Scoring;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Cli.Quickstart;

/// <summary>
/// <c>mlext quickstart</c>: the end-to-end job on the embedded digits set — load, split, train with early stopping
/// and progress, save the model zip, load it back, batch-score the held-out rows and report accuracy.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Maximum training epochs", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the model zip", DefaultValueFactory = _ => new FileInfo(Path.Combine("build", "quickstart", "digits-mlp.zip")) };
        var predictions = new Option<FileInfo?>("--predictions") { Description = "Optional CSV of the test-set predictions" };
        var cmd = new Command("quickstart", "Train an MLP on the embedded digits set, save it, reload it and batch-score the test split");
        cmd.Options.Add(epochs);
        cmd.Options.Add(seed);
        cmd.Options.Add(output);
        cmd.Options.Add(predictions);
        cmd.SetAction(parse => CommandRunner.Run(() =>
            Run(parse.GetValue(epochs), parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(predictions))));
        return cmd;
    }

    private static int Run(int epochs, int seed, FileInfo output, FileInfo? predictionsFile)
    {
        if (epochs < 1) throw new ArgumentException("--epochs must be at least 1");
        var ctx = new MLExtContext(seed);
        ctx.Log += (_, e) => Console.Error.WriteLine($"[{e.Severity}] {e.Message}");
        var device = ctx.ResolveDevice();

        var data = LoadEmbeddedDigits(ctx);
        var (trainAll, test) = ctx.Data.TrainTestSplit(data, 0.2);
        var (train, valid) = ctx.Data.TrainTestSplit(trainAll, 0.15);
        var labels = LabelMap.FromColumn(train["label"]);
        Console.WriteLine($"digits: {data.RowCount} rows, {labels.Count} classes; train {train.RowCount}, validation {valid.RowCount}, test {test.RowCount} ({torch.Version()}, {device}, {torch.NumThreads} threads)");

        using var x = train.GetColumn<FloatVectorColumn>("Features").ToTensor().DetachFromDisposeScope();
        using var y = labels.ToKeys(train["label"]).ToTensor().DetachFromDisposeScope();
        using var xValid = valid.GetColumn<FloatVectorColumn>("Features").ToTensor().DetachFromDisposeScope();
        using var yValid = labels.ToKeys(valid["label"]).ToTensor().DetachFromDisposeScope();
        var mean = x.Mean(0);
        var std = x.Std(0).ClampMin(1e-3);
        using var model = new DigitsMlp((int)x.Size(1), 256, labels, mean, std);
        using var optimizer = new AdamW(model.Network.Parameters(), 1e-3, weightDecay: 1e-4);
        using var order = new Generator((ulong)seed);
        const int batchSize = 64;
        int stepsPerEpoch = (int)((x.Size(0) + batchSize - 1) / batchSize);
        Tensor? permutation = null;

        var loopOptions = new TrainingLoopOptions
        {
            Epochs = epochs,
            StepsPerEpoch = stepsPerEpoch,
            MetricName = "val_accuracy",
            EarlyStopping = new EarlyStoppingOptions { Patience = 15, Maximize = true },
        };
        var clock = Stopwatch.StartNew();
        var result = CliProgress.Run("quickstart", progress =>
        {
            loopOptions.Progress = progress;
            return new TrainingLoop(loopOptions, ctx).Run(step =>
            {
                if (step.Step == 1)
                {
                    permutation?.Dispose();
                    permutation = torch.Randperm(x.Size(0), order).DetachFromDisposeScope();
                }
                var rows = permutation!.Narrow(0, (step.Step - 1) * batchSize, Math.Min(batchSize, x.Size(0) - (step.Step - 1) * batchSize));
                var loss = Functional.CrossEntropy(model.Logits(x.IndexSelect(0, rows)), y.IndexSelect(0, rows));
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                return loss.Item<float>();
            },
            validate: _ => Accuracy(model.Logits(xValid), yValid),
            module: model.Network);
        });
        permutation?.Dispose();
        Console.WriteLine($"trained {result.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s; best validation accuracy {result.BestMetric:P2} (epoch {result.BestEpoch}){(result.StoppedEarly ? ", stopped early" : "")}");

        Directory.CreateDirectory(output.DirectoryName ?? ".");
        model.Metrics["val_accuracy"] = result.BestMetric ?? double.NaN;
        model.Save(output.FullName);
        Console.WriteLine($"saved {output.FullName} ({new FileInfo(output.FullName).Length / 1024} KiB)");

        using var loaded = ModelFile.Load(output.FullName, ctx);
        var scored = loaded.TransformBatches(test.Batches(100)).ToList();
        int correct = 0, total = 0;
        foreach (var batch in scored)
        {
            var predicted = batch.GetColumn<KeyColumn>("PredictedLabel");
            var truth = batch.GetColumn<TextColumn>("label").Values.Span;
            for (int i = 0; i < batch.RowCount; i++, total++)
                if (predicted.GetName(i) == truth[i]) correct++;
        }
        Console.WriteLine($"reloaded model, batch-scored {total} test rows in {scored.Count} batches: accuracy {(double)correct / total:P2}");
        if (predictionsFile != null)
        {
            ctx.Data.SaveAsCsv(scored.Select(b => b.Select("label", "PredictedLabel")), predictionsFile.FullName);
            Console.WriteLine($"predictions: {predictionsFile.FullName}");
        }
        return 0;
    }

    private static double Accuracy(Tensor logits, Tensor labels) => logits.Argmax(1).Eq(labels).Float().Mean().Item<float>();

    private static DataBatch LoadEmbeddedDigits(MLExtContext ctx)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mlext-digits-{Environment.ProcessId}.csv.gz");
        try
        {
            using (var resource = typeof(QuickstartCommand).Assembly.GetManifestResourceStream("digits.csv.gz")
                                  ?? throw new InvalidOperationException("the embedded digits dataset is missing from this build"))
            using (var file = File.Create(path))
                resource.CopyTo(file);
            return ctx.Data.LoadFromTextFile(path, new TextLoaderOptions
            {
                LabelColumnName = "label",
                TextColumns = ["label"],
                GatherNumericFeatures = true,
            });
        }
        finally { File.Delete(path); }
    }
}
