using System.CommandLine;
using System.Globalization;
using System.Text;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Data;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary><c>mlext linkpred predict</c>: top-k tails for each (head, relation) query row, as CSV.</summary>
internal static class LinkPredPredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A link-prediction model zip", Required = true };
        var query = new Option<FileInfo>("--query") { Description = "Query rows: head<TAB>relation (no header)", Required = true };
        var k = new Option<int>("--k") { Description = "Answers per query", DefaultValueFactory = _ => 10 };
        var output = new Option<FileInfo?>("--out") { Description = "CSV to write (head,relation,rank,tail,score); default stdout" };
        var exclude = new Option<FileInfo?>("--exclude") { Description = "Triples whose tails are left out of the answers (e.g. the training set: show new links only)" };
        var cmd = new Command("predict", "Top-k tails for (head, relation, ?) queries");
        foreach (var o in new Option[] { model, query, k, output, exclude }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() => Run(p.GetValue(model)!, p.GetValue(query)!, p.GetValue(k), p.GetValue(output), p.GetValue(exclude))));
        return cmd;
    }

    private static int Run(FileInfo modelFile, FileInfo queryFile, int k, FileInfo? output, FileInfo? excludeFile)
    {
        if (k < 1) throw new ArgumentException("--k must be at least 1");
        using var model = ModelFile.Load<LinkPredictionModel>(modelFile.FullName, new MLExtContext());
        var queries = ReadQueries(queryFile.FullName);
        var exclude = excludeFile is null ? null : TriplesTsvReader.Read(excludeFile.FullName);
        var answers = model.PredictTails(queries, k, exclude);
        var sb = new StringBuilder("head,relation,rank,tail,score\n");
        for (int i = 0; i < queries.Count; i++)
            foreach (var a in answers[i])
                sb.Append(Csv(queries[i].Head)).Append(',').Append(Csv(queries[i].Relation)).Append(',')
                  .Append(a.Rank.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Csv(a.Entity)).Append(',')
                  .Append(a.Score.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        if (output is null) Console.Write(sb.ToString());
        else
        {
            output.Directory?.Create();
            File.WriteAllText(output.FullName, sb.ToString());
            Console.Error.WriteLine($"{queries.Count} queries, top {k}: wrote {output.FullName}");
        }
        return 0;
    }

    /// <summary>head&lt;TAB&gt;relation rows; a malformed row is named by its line.</summary>
    private static List<(string Head, string Relation)> ReadQueries(string path)
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
                throw new DataLoadException(name, lineNo, null, $"expected 2 tab-separated fields (head, relation), found {f.Length}");
            result.Add((f[0], f[1]));
        }
        return result;
    }

    private static string Csv(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
