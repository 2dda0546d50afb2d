using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Components.CrossModal;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary>
/// <c>mlext crossmodal zeroshot --model cm.zip --in TSV [--template T]... [--descriptions TSV --aggregate mean|max|sum]</c>:
/// classifies the images of a labelled TSV (header <c>image_path&lt;TAB&gt;label</c>) from class names or descriptions
/// through prompt templates only, and reports accuracy, balanced accuracy and their baselines as JSON.
/// </summary>
internal static class CrossModalZeroShotCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "TSV with header image_path<TAB>label (paths relative to the TSV); without --descriptions the classes are its distinct labels", Required = true };
        var templates = new Option<string[]>("--template") { Description = "Prompt template with {0} for the class name or description (repeatable)", AllowMultipleArgumentsPerToken = false };
        var nameParts = new Option<bool>("--name-parts") { Description = "Also prompt with the parts of compound names ('Animals & Nature' -> 'Animals', 'Nature'; 'face-smiling' -> 'face', 'smiling'), averaged into the name's vector" };
        var descriptions = new Option<FileInfo?>("--descriptions") { Description = "TSV with header label<TAB>description, one row per description (a label may have many, e.g. its subgroups' names); its labels are the classes, every label of --in must be one of them" };
        var aggregate = new Option<string>("--aggregate") { Description = "How a class's descriptions combine: mean (one vector, their normalised mean), max (the nearest description), sum (softmax probabilities summed over the class's descriptions: hierarchical)", DefaultValueFactory = _ => "mean" };
        aggregate.AcceptOnlyFromAmong("mean", "max", "sum");
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Where to write the JSON result" };
        var cmd = new Command("zeroshot", "Zero-shot classification: class names or descriptions through prompt templates become the classifier; prints accuracy, balanced accuracy and baselines as JSON");
        foreach (var o in new Option[] { model, input, templates, nameParts, descriptions, aggregate, metricsOut }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var inPath = parse.GetValue(input)!.FullName;
            var (paths, labels, lines) = ReadLabelled(inPath);
            var descriptionFile = parse.GetValue(descriptions);
            var classes = descriptionFile is null
                ? labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(ZeroShotClass.FromName).ToArray()
                : ZeroShotClass.LoadDescriptions(descriptionFile.FullName);
            if (descriptionFile is not null)
            {
                var known = classes.Select(c => c.Label).ToHashSet(StringComparer.Ordinal);
                int missing = Array.FindIndex(labels, l => !known.Contains(l));
                if (missing >= 0)
                    throw new InvalidDataException($"{inPath}, line {lines[missing]}: the label '{labels[missing]}' has no description in {descriptionFile.FullName}");
            }
            var aggregation = parse.GetValue(aggregate) switch { "max" => ZeroShotAggregation.Max, "sum" => ZeroShotAggregation.Sum, _ => ZeroShotAggregation.Mean };
            var t = parse.GetValue(templates) is { Length: > 0 } given ? given : ZeroShotClassifier.DefaultTemplates.ToArray();

            var ctx = CliContext.Create();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            using var classifier = m.CreateZeroShotClassifier(classes, t, parse.GetValue(nameParts), aggregation);
            var predictions = classifier.Predict(paths);
            var metrics = ZeroShotMetrics.Evaluate(classifier.Labels, labels, predictions.Select(p => p.Label).ToArray());
            var unknown = classifier.Texts.Distinct(StringComparer.Ordinal)
                .Where(x => m.Tokenizer.Encode(x).Contains(BpeTokenizer.UnknownId)).ToArray();
            var json = new JsonObject
            {
                ["images"] = metrics.Images,
                ["classes"] = metrics.Classes,
                ["classes_with_images"] = metrics.ClassesWithImages,
                ["templates"] = new JsonArray(t.Select(x => (JsonNode)x!).ToArray()),
                ["name_parts"] = parse.GetValue(nameParts),
                ["descriptions"] = descriptionFile?.FullName,
                ["aggregate"] = aggregation.ToString().ToLowerInvariant(),
                ["descriptions_per_class"] = Math.Round(classifier.DescriptionCounts.Average(), 2),
                ["texts"] = classifier.Texts.Count,
                ["texts_with_unknown_tokens"] = unknown.Length,
                ["unknown_token_examples"] = new JsonArray(unknown.Take(5).Select(x => (JsonNode)x!).ToArray()),
                ["accuracy"] = Math.Round(metrics.Accuracy, 4),
                ["balanced_accuracy"] = Math.Round(metrics.BalancedAccuracy, 4),
                ["chance_accuracy"] = Math.Round(metrics.ChanceAccuracy, 4),
                ["majority_accuracy"] = Math.Round(metrics.MajorityAccuracy, 4),
                ["majority_balanced_accuracy"] = Math.Round(metrics.MajorityBalancedAccuracy, 4),
                ["per_class"] = new JsonArray(metrics.PerClass.Select(c => (JsonNode)new JsonObject
                {
                    ["label"] = c.Label,
                    ["images"] = c.Images,
                    ["recall"] = Math.Round(c.Recall, 4),
                    ["predicted"] = c.Predicted,
                }).ToArray()),
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

    private static (string[] Paths, string[] Labels, int[] Lines) ReadLabelled(string tsv)
    {
        if (!File.Exists(tsv)) throw new FileNotFoundException($"labelled file not found: {tsv}", tsv);
        var folder = Path.GetDirectoryName(tsv)!;
        var paths = new List<string>();
        var labels = new List<string>();
        var lines = new List<int>();
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
            lines.Add(lineNo);
        }
        if (paths.Count == 0) throw new InvalidDataException($"{tsv} has no rows");
        return (paths.ToArray(), labels.ToArray(), lines.ToArray());
    }
}
