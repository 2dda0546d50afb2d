using System.CommandLine;
using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Scoring;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary>
/// <c>mlext score</c>: streams a CSV through a classifier and writes label (when present), PredictedLabel and one
/// <c>Score.&lt;class&gt;</c> column per class. One batch is held at a time, so memory does not grow with the rows.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "Model zip", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "CSV to score (header, numeric features; a label column is copied through)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Output CSV", Required = true };
        var label = new Option<string>("--label") { Description = "Label column (copied through when present)", DefaultValueFactory = _ => "label" };
        var cmd = new Command("score", "Score a CSV with a classifier, streaming (constant memory in the number of rows)");
        foreach (var o in new Option[] { model, input, output, label }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.CreateWithLog(0);
            var modelPath = p.GetValue(model)!.FullName;
            var labelName = p.GetValue(label)!;
            var featureColumn = ClassifierCsv.FeatureColumnOf(modelPath);
            using var loaded = ModelFile.Load(modelPath, ctx);
            long rows = 0;
            var batches = ClassifierCsv.Stream(ctx, p.GetValue(input)!.FullName, labelName, featureColumn)
                .Select(item => { rows += item.Batch.RowCount; return item; });
            var outPath = p.GetValue(output)!.FullName;
            var temp = outPath + ".partial";
            try
            {
                CsvDataWriter.Write(temp, Output(loaded, batches, labelName));
                File.Move(temp, outPath, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            Console.WriteLine($"scored {rows} rows -> {outPath}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The output batches (label when present, PredictedLabel, Score.&lt;class&gt;) of <paramref name="input"/>, produced
    /// lazily: each input batch is read only when the previous output batch has been consumed.
    /// </summary>
    internal static IEnumerable<DataBatch> Output(ITransformer model, IEnumerable<(DataBatch Batch, long FirstRow)> input, string labelName)
    {
        foreach (var (batch, firstRow) in input)
        {
            var scored = Transform(model, batch, firstRow);
            var score = scored.GetColumn<FloatVectorColumn>("Score");
            var columns = new List<DataColumn>();
            if (scored.TryGetColumn(labelName, out var l)) columns.Add(l);
            columns.Add(scored["PredictedLabel"]);
            columns.Add(new FloatVectorColumn("Score", score.Values, score.Size, score.SlotNames?.Select(s => "Score." + s).ToArray()));
            yield return new DataBatch(columns);
        }
    }

    /// <summary>Scores one batch under no-grad and a dispose scope; classifier models number rows from <paramref name="firstRow"/> in errors.</summary>
    public static DataBatch Transform(ITransformer model, DataBatch batch, long firstRow) =>
        model is NeuralClassifierModel nc ? BatchScorer.ScoreOne(batch, b => nc.Transform(b, firstRow)) : BatchScorer.ScoreOne(batch, model.Transform);
}
