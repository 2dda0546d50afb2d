using System.CommandLine;
using System.Globalization;
using MLExtensions.Components.CrossModal;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary>
/// <c>mlext crossmodal search --model cm.zip --images TSV|DIR --text "query" --k 5</c>: the images that best match a
/// description; or <c>--image FILE --captions TSV</c>: the captions that best match an image.
/// </summary>
internal static class CrossModalSearchCommand
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff" };

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var images = new Option<string?>("--images") { Description = "Images to search: a pairs TSV or a folder (searched recursively)" };
        var text = new Option<string?>("--text") { Description = "The description to search images for" };
        var image = new Option<FileInfo?>("--image") { Description = "An image to find captions for (with --captions)" };
        var captions = new Option<FileInfo?>("--captions") { Description = "Candidate captions: a pairs TSV (its distinct captions)" };
        var rerank = new Option<bool>("--rerank") { Description = "Re-order the top k with the fusion head (a --fusion model)" };
        var k = new Option<int>("--k") { Description = "How many results", DefaultValueFactory = _ => 5 };
        var cmd = new Command("search", "Top-k images for a text (--images, --text) or top-k captions for an image (--image, --captions)");
        foreach (var o in new Option[] { model, images, text, image, captions, k, rerank }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            int top = parse.GetValue(k);
            if (top < 1) throw new ArgumentException("--k must be at least 1");
            var ctx = CliContext.Create();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            if (parse.GetValue(text) is { } query)
            {
                var source = parse.GetValue(images) ?? throw new ArgumentException("--text needs --images (a pairs TSV or a folder)");
                var paths = ImagePaths(source);
                using var index = m.IndexImages(paths);
                using var q = m.EmbedTexts([query]);
                var hits = index.Search(q, top)[0];
                Print(parse.GetValue(rerank) ? m.RerankImages(query, hits, index) : hits);
                return 0;
            }
            if (parse.GetValue(image) is { } file)
            {
                var tsv = parse.GetValue(captions) ?? throw new ArgumentException("--image needs --captions (a pairs TSV)");
                var texts = ((StringColumn)ImageCaptionPairs.Load(tsv.FullName)["Caption"]).Values.ToArray().Distinct(StringComparer.Ordinal).ToArray();
                using var index = m.IndexTexts(texts);
                using var q = m.EmbedImages([file.FullName]);
                var hits = index.Search(q, top)[0];
                Print(parse.GetValue(rerank) ? m.RerankTexts(file.FullName, hits, index) : hits);
                return 0;
            }
            throw new ArgumentException("give --text with --images, or --image with --captions");
        }));
        return cmd;
    }

    private static string[] ImagePaths(string source)
    {
        if (Directory.Exists(source))
        {
            var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new ArgumentException($"{source} holds no image files");
            return files;
        }
        if (!File.Exists(source)) throw new FileNotFoundException($"--images: no such file or folder: {source}", source);
        return ((StringColumn)ImageCaptionPairs.Load(source)["ImagePath"]).Values.ToArray().Distinct(StringComparer.Ordinal).ToArray();
    }

    private static void Print(IEnumerable<RetrievalHit> hits)
    {
        int rank = 1;
        foreach (var h in hits)
            Console.WriteLine($"{rank++}\t{h.Score.ToString("F4", CultureInfo.InvariantCulture)}\t{h.Key}");
    }
}
