using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Components.CrossModal;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary>
/// <c>mlext crossmodal zeroshot --model cm.zip --in TSV [--template T]...</c>: classifies images into the labels of a
/// labelled TSV (header <c>image_path&lt;TAB&gt;label</c>) with prompt templates only, and reports accuracy.
/// </summary>
internal static class CrossModalZeroShotCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "TSV with header image_path<TAB>label (paths relative to the TSV); the classes are its distinct labels", Required = true };
        var templates = new Option<string[]>("--template") { Description = "Prompt template with {0} for the label (repeatable)", AllowMultipleArgumentsPerToken = false };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Where to write the JSON result" };
        var nameParts = new Option<bool>("--name-parts") { Description = "Also prompt with the parts of compound labels ('Animals & Nature' -> 'Animals', 'Nature'; 'face-smiling' -> 'face', 'smiling')" };
        var cmd = new Command("zeroshot", "Zero-shot classification: labels through prompt templates become the classifier; prints accuracy as JSON");
        foreach (var o in new Option[] { model, input, templates, nameParts, metricsOut }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var ctx = CliContext.Create();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            var (paths, labels) = ReadLabelled(parse.GetValue(input)!.FullName);
            var classes = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var t = parse.GetValue(templates);
            using var classifier = m.CreateZeroShotClassifier(classes, t is { Length: > 0 } ? t : null, parse.GetValue(nameParts));
            var predictions = classifier.Predict(paths);
            int correct = predictions.Where((p, i) => p.Label == labels[i]).Count();
            var counts = labels.GroupBy(l => l).Max(g => g.Count());
            var json = new JsonObject
            {
                ["images"] = paths.Length,
                ["classes"] = classes.Length,
                ["templates"] = new JsonArray((t is { Length: > 0 } ? t : ZeroShotClassifier.DefaultTemplates).Select(x => (JsonNode)x).ToArray()),
                ["name_parts"] = parse.GetValue(nameParts),
                ["accuracy"] = Math.Round(correct / (double)paths.Length, 4),
                ["chance_accuracy"] = Math.Round(1.0 / classes.Length, 4),
                ["majority_accuracy"] = Math.Round(counts / (double)paths.Length, 4),
            };
            var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Console.WriteLine(text);
            if (parse.GetValue(metricsOut) is { } f)
            {
                Directory.CreateDirectory(f.DirectoryName ?? ".");
                File.WriteAllText(f.FullName, text + Environment.NewLine);
            }
            return 0;
        }));
        return cmd;
    }

    private static (string[] Paths, string[] Labels) ReadLabelled(string tsv)
    {
        if (!File.Exists(tsv)) throw new FileNotFoundException($"labelled file not found: {tsv}", tsv);
        var folder = Path.GetDirectoryName(tsv)!;
        var paths = new List<string>();
        var labels = new List<string>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(tsv))
        {
            if (lineNo++ == 0)
            {
                if (!line.StartsWith("image_path\tlabel", StringComparison.Ordinal))
                    throw new InvalidDataException($"{tsv}: the header must be 'image_path<TAB>label'");
                continue;
            }
            if (line.Length == 0) continue;
            var parts = line.Split('\t');
            if (parts.Length < 2 || parts[1].Trim().Length == 0) throw new InvalidDataException($"{tsv}, line {lineNo}: expected image_path<TAB>label");
            paths.Add(Path.IsPathRooted(parts[0]) ? parts[0] : Path.GetFullPath(Path.Combine(folder, parts[0])));
            labels.Add(parts[1].Trim());
        }
        if (paths.Count == 0) throw new InvalidDataException($"{tsv} has no rows");
        return (paths.ToArray(), labels.ToArray());
    }
}
