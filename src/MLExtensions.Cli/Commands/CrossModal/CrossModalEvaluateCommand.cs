using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MLExtensions.Components.CrossModal;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary><c>mlext crossmodal evaluate --model cm.zip --pairs TSV [--metrics-out m.json]</c>: retrieval recall both ways.</summary>
internal static class CrossModalEvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var pairs = new Option<FileInfo>("--pairs") { Description = "Pairs TSV (image_path<TAB>caption); candidates are all its distinct images / captions", Required = true };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Where to write the metrics JSON (also printed)" };
        var cmd = new Command("evaluate", "Image→text and text→image retrieval: R@1, R@5, R@10 and median rank, as JSON");
        cmd.Options.Add(model);
        cmd.Options.Add(pairs);
        cmd.Options.Add(metricsOut);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var ctx = new MLExtContext();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            var data = ImageCaptionPairs.Load(parse.GetValue(pairs)!.FullName);
            var images = ((Data.StringColumn)data["ImagePath"]).Values.ToArray();
            var captions = ((Data.StringColumn)data["Caption"]).Values.ToArray();
            var clock = Stopwatch.StartNew();
            var metrics = RetrievalMetrics.Evaluate(m, images, captions);
            var json = JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true });
            Console.WriteLine(json);
            Console.Error.WriteLine($"evaluated {data.RowCount} pairs in {clock.Elapsed.TotalSeconds:F1} s");
            if (parse.GetValue(metricsOut) is { } f)
            {
                Directory.CreateDirectory(f.DirectoryName ?? ".");
                File.WriteAllText(f.FullName, json + Environment.NewLine);
            }
            return 0;
        }));
        return cmd;
    }
}
