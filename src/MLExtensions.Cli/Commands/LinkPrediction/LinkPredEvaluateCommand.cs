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
        var test = new Option<FileInfo>("--test") { Description = "Test triples (head<TAB>relation<TAB>tail), or edges (source<TAB>target) for a graphsage/gcn model", Required = true };
        var filter = new Option<string[]>("--filter")
        {
            Description = "Triples (or edges) files whose true links are removed from the candidates (comma-separated or repeated; the test set, and a graph model's own edges, are always included)",
            AllowMultipleArgumentsPerToken = true,
        };
        var nodeFeatures = new Option<FileInfo?>("--node-features") { Description = "graphsage/gcn: features of nodes unseen at training (rows of known nodes are ignored); they are embedded inductively" };
        var idColumn = new Option<string?>("--node-id-column") { Description = "Id column of --node-features (default: the first column)" };
        var edges = new Option<FileInfo?>("--edges") { Description = "graphsage/gcn: edges known at scoring time (source<TAB>target), added to the message-passing graph" };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Write the metrics JSON here (default: stdout)" };
        var cmd = new Command("evaluate", "Filtered ranking evaluation (both directions, ties = mean rank): MRR, Hits@1/3/10, per direction and relation");
        foreach (var o in new Option[] { model, test, filter, nodeFeatures, idColumn, edges, metricsOut }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var modelFile = p.GetValue(model)!;
            var filters = (p.GetValue(filter) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            using var loaded = ModelFile.Load(modelFile.FullName, CliContext.Create());
            if (loaded is GraphLinkPredictionModel graph)
                return LinkPredGraph.Evaluate(graph, modelFile.Name, p.GetValue(test)!, filters, p.GetValue(nodeFeatures), p.GetValue(idColumn), p.GetValue(edges), p.GetValue(metricsOut));
            if (loaded is not LinkPredictionModel kg)
                throw new ArgumentException($"{modelFile.Name} is not a link-prediction model");
            if (p.GetValue(nodeFeatures) != null || p.GetValue(edges) != null)
                throw new ArgumentException("--node-features and --edges apply to graphsage/gcn models only");
            return Run(kg, modelFile.Name, p.GetValue(test)!, filters, p.GetValue(metricsOut));
        }));
        return cmd;
    }

    private static int Run(LinkPredictionModel model, string modelName, FileInfo testFile, string[] filterFiles, FileInfo? metricsOut)
    {
        var test = TriplesTsvReader.Read(testFile.FullName);
        var filters = filterFiles.Select(f => TriplesTsvReader.Read(f)).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var metrics = model.Evaluate(test, filters);
        Write(metrics, clock.Elapsed.TotalSeconds, modelName, test.Source, filters.Select(f => f.Source), metricsOut, "triples", "unknown entity or relation");
        return 0;
    }

    /// <summary>Writes the metrics JSON (file or stdout) and a one-line summary on stderr.</summary>
    internal static void Write(LinkPredictionMetrics metrics, double seconds, string modelName, string testName, IEnumerable<string> filterNames,
                               FileInfo? metricsOut, string unit, string skipReason)
    {
        var json = metrics.ToJson();
        json["model"] = modelName;
        json["test"] = testName;
        json["filters"] = new System.Text.Json.Nodes.JsonArray(filterNames.Select(f => (System.Text.Json.Nodes.JsonNode?)f).ToArray());
        json["seconds"] = Math.Round(seconds, 3);
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        if (metricsOut is null) Console.WriteLine(text);
        else
        {
            metricsOut.Directory?.Create();
            File.WriteAllText(metricsOut.FullName, text + Environment.NewLine);
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{testName}: {metrics.Both.Count / 2} {unit} ranked ({metrics.SkippedTriples} skipped: {skipReason}) in {seconds:F1} s; " +
            $"MRR {metrics.Mrr:F4}, Hits@1 {metrics.Both.HitsAt1:F4}, Hits@3 {metrics.Both.HitsAt3:F4}, Hits@10 {metrics.Both.HitsAt10:F4}"));
    }
}
