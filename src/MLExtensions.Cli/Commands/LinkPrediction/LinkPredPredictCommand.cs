using System.CommandLine;
using System.Globalization;
using System.Text;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary>
/// <c>mlext linkpred predict</c>: top-k tails for (head, relation) rows or top-k heads for (relation, tail) rows, as
/// CSV; for a graphsage/gcn model, top-k partners of each query node.
/// </summary>
internal static class LinkPredPredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A link-prediction model zip", Required = true };
        var query = new Option<FileInfo>("--query")
        {
            Description = "Query rows (no header): head<TAB>relation (tails), relation<TAB>tail (with --direction heads); one node per line for a graphsage/gcn model",
            Required = true,
        };
        var direction = new Option<string>("--direction") { Description = "tails: (head, relation, ?) | heads: (?, relation, tail)", DefaultValueFactory = _ => "tails" };
        var k = new Option<int>("--k") { Description = "Answers per query", DefaultValueFactory = _ => 10 };
        var output = new Option<FileInfo?>("--out") { Description = "CSV to write (head,relation,rank,tail,score; heads: relation,tail,rank,head,score; graph: source,rank,target,score); default stdout" };
        var exclude = new Option<FileInfo?>("--exclude") { Description = "Triples whose answers are left out (e.g. the training set: show new links only); a graph model always leaves out known neighbours" };
        var nodeFeatures = new Option<FileInfo?>("--node-features") { Description = "graphsage/gcn: features of nodes unseen at training, embedded inductively" };
        var idColumn = new Option<string?>("--node-id-column") { Description = "Id column of --node-features (default: the first column)" };
        var edges = new Option<FileInfo?>("--edges") { Description = "graphsage/gcn: edges known at scoring time (source<TAB>target)" };
        var cmd = new Command("predict", "Top-k tails for (head, relation, ?) or heads for (?, relation, tail) queries; top-k partners for graph nodes");
        foreach (var o in new Option[] { model, query, direction, k, output, exclude, nodeFeatures, idColumn, edges }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            int kValue = p.GetValue(k);
            if (kValue < 1) throw new ArgumentException("--k must be at least 1");
            var modelFile = p.GetValue(model)!;
            using var loaded = ModelFile.Load(modelFile.FullName, CliContext.Create());
            string csv;
            if (loaded is GraphLinkPredictionModel graph)
                csv = LinkPredGraph.Predict(graph, p.GetValue(query)!, kValue, p.GetValue(nodeFeatures), p.GetValue(idColumn), p.GetValue(edges));
            else if (loaded is LinkPredictionModel kg)
            {
                if (p.GetValue(nodeFeatures) != null || p.GetValue(edges) != null)
                    throw new ArgumentException("--node-features and --edges apply to graphsage/gcn models only");
                bool heads = p.GetValue(direction)!.Trim().ToLowerInvariant() switch
                {
                    "tails" or "tail" => false,
                    "heads" or "head" => true,
                    var other => throw new ArgumentException($"--direction must be tails or heads, not '{other}'"),
                };
                csv = Run(kg, p.GetValue(query)!, kValue, heads, p.GetValue(exclude));
            }
            else throw new ArgumentException($"{modelFile.Name} is not a link-prediction model");
            var outFile = p.GetValue(output);
            if (outFile is null) Console.Write(csv);
            else
            {
                outFile.Directory?.Create();
                File.WriteAllText(outFile.FullName, csv);
                Console.Error.WriteLine($"top {kValue}: wrote {outFile.FullName}");
            }
            return 0;
        }));
        return cmd;
    }

    private static string Run(LinkPredictionModel model, FileInfo queryFile, int k, bool heads, FileInfo? excludeFile)
    {
        var queries = ReadQueries(queryFile.FullName, heads ? ("relation", "tail") : ("head", "relation"));
        var exclude = excludeFile is null ? null : TriplesTsvReader.Read(excludeFile.FullName);
        var answers = heads ? model.PredictHeads(queries, k, exclude) : model.PredictTails(queries, k, exclude);
        var sb = new StringBuilder(heads ? "relation,tail,rank,head,score\n" : "head,relation,rank,tail,score\n");
        for (int i = 0; i < queries.Count; i++)
            foreach (var a in answers[i])
                sb.Append(Csv(queries[i].Item1)).Append(',').Append(Csv(queries[i].Item2)).Append(',')
                  .Append(a.Rank.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Csv(a.Entity)).Append(',')
                  .Append(a.Score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        Console.Error.WriteLine($"{queries.Count} {(heads ? "(?, relation, tail)" : "(head, relation, ?)")} queries");
        return sb.ToString();
    }

    /// <summary>Two-field tab-separated rows; a malformed row is named by its line.</summary>
    private static List<(string, string)> ReadQueries(string path, (string First, string Second) fields)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"query file not found: {path}", path);
        var name = Path.GetFileName(path);
        var result = new List<(string, string)>();
        long lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split('\t');
            if (f.Length != 2 || f[0].Length == 0 || f[1].Length == 0)
                throw new DataLoadException(name, lineNo, null, $"expected 2 tab-separated fields ({fields.First}, {fields.Second}), found {f.Length}");
            result.Add((f[0], f[1]));
        }
        return result;
    }

    internal static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
