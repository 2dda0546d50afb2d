using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary>
/// <c>mlext evaluate</c>: streams a labelled CSV through any classifier-like model (one that adds a Score vector named
/// by class) and writes accuracy, macro F1, log loss, scoring rows/s and the confusion matrix as JSON.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "Model zip", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "Labelled test CSV", Required = true };
        var label = new Option<string>("--label") { Description = "Label column", DefaultValueFactory = _ => "label" };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Write the metrics JSON here (always printed)" };
        var cmd = new Command("evaluate", "Evaluate a classifier on a labelled CSV: accuracy, macro F1, log loss, rows/s, confusion matrix (JSON)");
        foreach (var o in new Option[] { model, test, label, metricsOut }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.CreateWithLog(0);
            var modelPath = p.GetValue(model)!.FullName;
            var labelName = p.GetValue(label)!;
            var featureColumn = ClassifierCsv.FeatureColumnOf(modelPath);
            using var loaded = ModelFile.Load(modelPath, ctx);
            var scoring = new Stopwatch();
            long rows = 0;
            IEnumerable<DataBatch> Scored()
            {
                foreach (var (batch, firstRow) in ClassifierCsv.Stream(ctx, p.GetValue(test)!.FullName, labelName, featureColumn))
                {
                    // One untimed warm-up call (JIT, operator lookup) so rows/s is the steady-state figure.
                    if (firstRow == 0) ScoreCommand.Transform(loaded, batch.Slice(0, Math.Min(64, batch.RowCount)), 0);
                    scoring.Start();
                    var scored = ScoreCommand.Transform(loaded, batch, firstRow);
                    scoring.Stop();
                    rows += batch.RowCount;
                    yield return scored;
                }
            }
            var metrics = ClassificationMetrics.Compute(Scored(), labelName);
            metrics.RowsPerSecond = rows / Math.Max(scoring.Elapsed.TotalSeconds, 1e-9);
            var json = metrics.ToJson();
            json["model"] = Path.GetFileName(modelPath);
            json["rows_per_second_note"] = "model scoring only (CSV parsing and one warm-up call excluded), batches of " + ClassifierCsv.StreamBatchRows + " rows";
            var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (p.GetValue(metricsOut) is { } file) File.WriteAllText(file.FullName, text + "\n");
            Console.WriteLine(text);
            return 0;
        }));
        return cmd;
    }
}
