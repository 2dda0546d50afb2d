using System.CommandLine;
using MLExtensions.Components.CrossModal;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary>
/// <c>mlext crossmodal holdout --pairs TSV --out TSV [--valid-fraction F --valid-group RE --seed S]</c>: writes the pairs
/// that <c>crossmodal train</c> with the same options holds out for validation (never trained on), so that choices such
/// as zero-shot templates can be made on them rather than on the test split. Image paths are written absolute.
/// </summary>
internal static class CrossModalHoldOutCommand
{
    public static Command Create()
    {
        var defaults = new CrossModalEncoderOptions();
        var pairs = new Option<FileInfo>("--pairs") { Description = "The training pairs given to crossmodal train (TSV image_path<TAB>caption)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the held-out pairs (TSV image_path<TAB>caption)", Required = true };
        var valid = new Option<double>("--valid-fraction") { Description = "As for crossmodal train", DefaultValueFactory = _ => defaults.ValidationFraction };
        var validGroup = new Option<string?>("--valid-group") { Description = "As for crossmodal train" };
        var seed = new Option<int>("--seed") { Description = "As for crossmodal train", DefaultValueFactory = _ => 42 };
        var cmd = new Command("holdout", "Write the validation pairs that crossmodal train holds out with the same --pairs, --valid-fraction, --valid-group and --seed");
        foreach (var o in new Option[] { pairs, output, valid, validGroup, seed }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var batch = ImageCaptionPairs.Load(parse.GetValue(pairs)!.FullName);
            var paths = ((StringColumn)batch["ImagePath"]).Values.ToArray();
            var captions = ((StringColumn)batch["Caption"]).Values.ToArray();
            var options = new CrossModalEncoderOptions
            {
                ValidationFraction = parse.GetValue(valid),
                ValidationGroupPattern = parse.GetValue(validGroup),
                Seed = parse.GetValue(seed),
            };
            var rows = CrossModalEncoderTrainer.HeldOutRows(captions, options);
            var f = parse.GetValue(output)!;
            Directory.CreateDirectory(f.DirectoryName ?? ".");
            File.WriteAllLines(f.FullName, rows.Select(r => $"{paths[r]}\t{captions[r]}").Prepend("image_path\tcaption"));
            Console.WriteLine($"{rows.Length} of {captions.Length} pairs held out -> {f.FullName}");
            return 0;
        }));
        return cmd;
    }
}
