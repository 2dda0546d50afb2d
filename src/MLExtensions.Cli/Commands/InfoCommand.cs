using System.CommandLine;
using System.Text.Json;
using MLExtensions.Model;

namespace MLExtensions.Cli.Commands;

/// <summary><c>mlext info model.zip</c>: the model's JSON summary (component, options, parameter count, metrics).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "A model zip written by MLExtensions" };
        var text = new Option<bool>("--text") { Description = "Print a human-readable summary instead of JSON" };
        var cmd = new Command("info", "Print a model file's summary as JSON: component, options, parameter count, metrics");
        cmd.Arguments.Add(model);
        cmd.Options.Add(text);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var info = ModelFile.ReadInfo(parse.GetValue(model)!.FullName);
            Console.WriteLine(parse.GetValue(text)
                ? info.ToString()
                : info.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }));
        return cmd;
    }
}
