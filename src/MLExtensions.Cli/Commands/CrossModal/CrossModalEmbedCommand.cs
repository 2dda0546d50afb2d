using System.CommandLine;
using MLExtensions.Components.CrossModal;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary><c>mlext crossmodal embed --model cm.zip --in TSV --out CSV</c>: image and text embeddings and match scores of every pair.</summary>
internal static class CrossModalEmbedCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "Pairs TSV (image_path<TAB>caption)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV to write: ImagePath, Caption, ImageEmbedding.*, TextEmbedding.*, MatchScore", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Rows per forward pass", DefaultValueFactory = _ => 256 };
        var cmd = new Command("embed", "Write L2-normalised image and text embeddings and the match score of each pair to a CSV");
        foreach (var o in new Option[] { model, input, output, batch }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            int size = parse.GetValue(batch);
            if (size < 1) throw new ArgumentException("--batch-size must be at least 1");
            var ctx = CliContext.Create();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            var data = ImageCaptionPairs.Load(parse.GetValue(input)!.FullName, m.Options.ImageColumnName, m.Options.TextColumnName);
            var outFile = parse.GetValue(output)!;
            Directory.CreateDirectory(outFile.DirectoryName ?? ".");
            ctx.Data.SaveAsCsv(data.Batches(size).Select(m.Transform), outFile.FullName);
            Console.Error.WriteLine($"embedded {data.RowCount} pairs ({m.EmbeddingDim} values each) into {outFile.FullName}");
            return 0;
        }));
        return cmd;
    }
}
