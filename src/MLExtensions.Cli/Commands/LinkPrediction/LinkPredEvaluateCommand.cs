using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary><c>mlext linkpred evaluate</c>: filtered ranking metrics of a model on a test TSV, as JSON.</summary>
internal static class LinkPredEvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A link-prediction model zip", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "Test triples (head<TAB>relation<TAB>tail)", Required = true };
        var filter = new Option<string[]>("--filter")
        {
            Description = "Triples files whose true triples are removed from the candidates (comma-separated or repeated; the test set is always included)",
            AllowMultipleArgumentsPerToken = true,
        };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Write the metrics JSON here (default: stdout)" };
        var cmd = new Command("evaluate", "Filtered ranking evaluation (both directions, ties = mean rank): MRR, Hits@1/3/10, per direction and relation");
        foreach (var o in new Option[] { model, test, filter, metricsOut }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
            Run(p.GetValue(model)!, p.GetValue(test)!, p.GetValue(filter) ?? [], p.GetValue(metricsOut))));
        return cmd;
    }

    private static int Run(FileInfo modelFile, FileInfo testFile, string[] filterArgs, FileInfo? metricsOut)
    {
        var ctx = new MLExtContext();
        using var model = ModelFile.Load<LinkPredictionModel>(modelFile.FullName, ctx);
        var test = TriplesTsvReader.Read(testFile.FullName);
        var filters = filterArgs.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(f => TriplesTsvReader.Read(f)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var metrics = model.Evaluate(test, filters);
        var seconds = clock.Elapsed.TotalSeconds;
        var json = metrics.ToJson();
        json["model"] = modelFile.Name;
        json["test"] = test.Source;
        json["filters"] = new System.Text.Json.Nodes.JsonArray(filters.Select(f => (System.Text.Json.Nodes.JsonNode?)f.Source).ToArray());
        json["seconds"] = Math.Round(seconds, 3);
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (metricsOut is null) Console.WriteLine(text);
        else
        {
            metricsOut.Directory?.Create();
            File.WriteAllText(metricsOut.FullName, text + Environment.NewLine);
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{test.Source}: {metrics.Both.Count / 2} triples ranked ({metrics.SkippedTriples} skipped: unknown entity or relation) in {seconds:F1} s; " +
            $"MRR {metrics.Mrr:F4}, Hits@1 {metrics.Both.HitsAt1:F4}, Hits@3 {metrics.Both.HitsAt3:F4}, Hits@10 {metrics.Both.HitsAt10:F4}"));
        return 0;
    }
}
