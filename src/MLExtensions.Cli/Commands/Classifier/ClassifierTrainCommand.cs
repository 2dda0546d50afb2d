using System.CommandLine;
using System.Diagnostics;
using MLExtensions.Components.Classification;
using MLExtensions.Components.Distillation;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary><c>mlext classifier train</c>: fits a NeuralClassifier on a CSV and saves the model zip.</summary>
internal static class ClassifierTrainCommand
{
    public static Command Create()
    {
        var train = new Option<FileInfo>("--train") { Description = "Training CSV (header, label column, numeric features)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the model zip", Required = true };
        var mlp = new MlpCliOptions(new NeuralClassifierOptions(), "Hidden layer widths, comma-separated");
        var test = new Option<FileInfo?>("--test") { Description = "Optional test CSV: prints accuracy and scoring rows/s" };
        var cmd = new Command("train", "Train a neural (MLP) classifier on a CSV and save it as a model zip");
        cmd.Options.Add(train);
        cmd.Options.Add(output);
        mlp.AddTo(cmd);
        cmd.Options.Add(test);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.CreateWithLog(p.GetValue(mlp.Seed));
            var options = mlp.Read(p, new NeuralClassifierOptions());
            var labelName = options.LabelColumnName;
            var data = ClassifierCsv.Load(ctx, p.GetValue(train)!.FullName, labelName);
            var trainer = ctx.NeuralClassifier(options);
            var clock = Stopwatch.StartNew();
            using var model = CliProgress.Run("classifier", progress => { trainer.Progress = progress; return trainer.Fit(data); });
            var run = trainer.LastTraining!;
            Console.WriteLine($"trained on {data.RowCount} rows, {model.Labels.Count} classes, {model.InputSize} features: {run.Epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s" +
                              (model.Metrics.TryGetValue("val_accuracy", out var va) ? $"; validation accuracy {va:P2}" : "") +
                              (run.StoppedEarly ? $" (stopped early, best epoch {run.BestEpoch})" : ""));
            if (p.GetValue(test) is { } testFile)
            {
                var testData = ClassifierCsv.Load(ctx, testFile.FullName, labelName);
                var metrics = ClassificationMetrics.Compute([model.Transform(testData)], labelName);
                model.Metrics["test_accuracy"] = metrics.Accuracy;
                Console.WriteLine($"test accuracy {metrics.Accuracy:P2} on {metrics.Rows} rows; scoring {DistillationReport.RowsPerSecond(model, testData):N0} rows/s");
            }
            var outFile = p.GetValue(output)!;
            model.Save(outFile.FullName);
            Console.WriteLine($"saved {outFile.FullName} ({model.ParameterCount:N0} parameters, {new FileInfo(outFile.FullName).Length / 1024} KiB)");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The <c>classifier</c> verb group.</summary>
    public static Command CreateGroup()
    {
        var group = new Command("classifier", "Neural classifiers: train (see also distill, evaluate, score)");
        group.Subcommands.Add(Create());
        return group;
    }
}
