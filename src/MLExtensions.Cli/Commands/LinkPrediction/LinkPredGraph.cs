using System.Globalization;
using System.Text;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary>The homogeneous-graph side of <c>mlext linkpred</c> (GraphSAGE/GCN models over source&lt;TAB&gt;target edges).</summary>
internal static class LinkPredGraph
{
    /// <summary>True for the model names that select a homogeneous-graph encoder.</summary>
    public static bool IsGraphModel(string name) => name.Trim().ToLowerInvariant() is "graphsage" or "sage" or "gcn";

    public static GraphEncoderKind ParseEncoder(string name) => name.Trim().ToLowerInvariant() switch
    {
        "graphsage" or "sage" => GraphEncoderKind.GraphSage,
        "gcn" => GraphEncoderKind.Gcn,
        var other => throw new ArgumentException($"--model must be graphsage or gcn for a homogeneous graph, not '{other}'"),
    };

    public static GraphLinkDecoder ParseDecoder(string name) => name.Trim().ToLowerInvariant() switch
    {
        "dot" => GraphLinkDecoder.Dot,
        "distmult" => GraphLinkDecoder.DistMult,
        var other => throw new ArgumentException($"--decoder must be dot or distmult, not '{other}'"),
    };

    public static int Train(GraphLinkPredictionOptions options, FileInfo edgesFile, FileInfo? featuresFile, string? idColumn,
                            FileInfo? validFile, FileInfo output, int seed)
    {
        var ctx = CliContext.CreateWithLog(seed);
        var edges = EdgeList.ReadTsv(edgesFile.FullName);
        var features = featuresFile is null ? null : NodeFeatures.Read(featuresFile.FullName, idColumn);
        var valid = validFile is null ? null : EdgeList.ReadTsv(validFile.FullName);
        Console.WriteLine($"{edges.Source}: {edges.Count} edges" + (edges.DuplicatesDropped > 0 ? $" ({edges.DuplicatesDropped} repeats dropped)" : "") +
                          (features is null ? "; no node features" : $"; {features.Source}: {features.Count} nodes × {features.Width} features") +
                          (valid is null ? "" : $"; {valid.Source}: {valid.Count} edges") + $"; {options.Encoder}, {options.Decoder} decoder, dim {options.Dim}");
        var trainer = new GraphLinkPredictionTrainer(ctx, options);
        using var model = CliProgress.Run("linkpred", progress => trainer.Fit(edges, features, valid, progress));
        var r = trainer.LastResult!;
        output.Directory?.Create();
        model.Save(output.FullName);
        var best = r.BestMetric is { } b ? FormattableString.Invariant($"; best validation MRR {b:F4} at epoch {r.BestEpoch}") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{model.Graph.NodeCount} nodes, {model.Graph.EdgeCount} edges; {r.Epochs} epoch(s) in {r.Elapsed.TotalSeconds:F1} s{best}; saved {output.FullName}"));
        return 0;
    }

    /// <summary>The model over its graph plus new nodes (their features) and edges known at scoring time.</summary>
    public static GraphLinkPredictionModel Extend(GraphLinkPredictionModel model, FileInfo? featuresFile, string? idColumn, FileInfo? edgesFile)
    {
        var features = featuresFile is null ? null : NodeFeatures.Read(featuresFile.FullName, idColumn);
        var edges = edgesFile is null ? null : EdgeList.ReadTsv(edgesFile.FullName);
        if (features != null)
        {
            // Rows for nodes the model already holds are left out: a file may list every node.
            var rows = Enumerable.Range(0, features.Count).Where(i => model.Graph.NodeId(features.Ids[i]) < 0).ToArray();
            features = new NodeFeatures(rows.Select(i => features.Ids[i]).ToArray(), features.Columns,
                rows.SelectMany(i => features.Row(i).ToArray()).ToArray(), features.Source);
        }
        if (features is { Count: > 0 } || edges != null)
            Console.Error.WriteLine($"scoring graph: +{features?.Count ?? 0} new node(s), +{edges?.Count ?? 0} edge(s)");
        return model.WithNodes(features, edges);
    }

    public static int Evaluate(GraphLinkPredictionModel trained, string modelName, FileInfo testFile, string[] filterFiles,
                               FileInfo? featuresFile, string? idColumn, FileInfo? edgesFile, FileInfo? metricsOut)
    {
        using var model = Extend(trained, featuresFile, idColumn, edgesFile);
        var test = EdgeList.ReadTsv(testFile.FullName);
        var filters = filterFiles.Select(EdgeList.ReadTsv).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var metrics = model.Evaluate(test, filters);
        LinkPredEvaluateCommand.Write(metrics, clock.Elapsed.TotalSeconds, modelName, test.Source, filters.Select(f => f.Source), metricsOut, "edges", "unknown node");
        return 0;
    }

    /// <summary>Top-k partners of each query node (one name per line), as CSV source,rank,target,score.</summary>
    public static string Predict(GraphLinkPredictionModel trained, FileInfo queryFile, int k, FileInfo? featuresFile, string? idColumn, FileInfo? edgesFile)
    {
        using var model = Extend(trained, featuresFile, idColumn, edgesFile);
        var name = queryFile.Name;
        if (!queryFile.Exists) throw new FileNotFoundException($"query file not found: {queryFile.FullName}", queryFile.FullName);
        var queries = new List<string>();
        long lineNo = 0;
        foreach (var raw in File.ReadLines(queryFile.FullName))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (line.Contains('\t')) throw new DataLoadException(name, lineNo, null, "expected one node name per line (graph models answer: which nodes should this one link to?)");
            queries.Add(line);
        }
        var answers = model.PredictTargets(queries, k);
        var sb = new StringBuilder("source,rank,target,score\n");
        for (int i = 0; i < queries.Count; i++)
            foreach (var a in answers[i])
                sb.Append(LinkPredPredictCommand.Csv(queries[i])).Append(',').Append(a.Rank.ToString(CultureInfo.InvariantCulture)).Append(',')
                  .Append(LinkPredPredictCommand.Csv(a.Entity)).Append(',').Append(a.Score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
