using System.CommandLine;
using System.Diagnostics;
using MLExtensions.Cli.Commands;
using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Scoring;
using MLExtensions.Torch;

namespace MLExtensions.Cli.Quickstart;

/// <summary>
/// <c>mlext quickstart</c>: the end-to-end job on the embedded digits set — load, split, train a NeuralClassifier with
/// early stopping and progress, save the model zip, load it back, batch-score the held-out rows and report accuracy.
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
        var ctx = CliContext.CreateWithLog(seed);

        var data = LoadEmbeddedDigits(ctx);
        var (train, test) = ctx.Data.TrainTestSplit(data, 0.2);
        var options = new NeuralClassifierOptions
        {
            LabelColumnName = "label",
            HiddenSizes = [256],
            Dropout = 0.2,
            Epochs = epochs,
            BatchSize = 64,
            LearningRate = 1e-3,
            WeightDecay = 1e-4,
            ValidationFraction = 0.15,
            EarlyStoppingPatience = 15,
            Seed = seed,
        };
        Console.WriteLine($"digits: {data.RowCount} rows; train {train.RowCount} (15% of it held out for validation), test {test.RowCount} ({torch.Version()}, {ctx.ResolveDevice()}, {torch.NumThreads} threads)");

        var trainer = ctx.NeuralClassifier(options);
        var clock = Stopwatch.StartNew();
        using var model = CliProgress.Run("quickstart", progress =>
        {
            trainer.Progress = progress;
            return trainer.Fit(train);
        });
        var result = trainer.LastTraining!;
        Console.WriteLine($"trained {result.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s; best validation accuracy {result.BestMetric:P2} (epoch {result.BestEpoch}){(result.StoppedEarly ? ", stopped early" : "")}");

        Directory.CreateDirectory(output.DirectoryName ?? ".");
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
