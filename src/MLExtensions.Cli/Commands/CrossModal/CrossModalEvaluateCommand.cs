using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Components.CrossModal;
using MLExtensions.Data;
using MLExtensions.Torch;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary>
/// <c>mlext crossmodal evaluate --model cm.zip --pairs TSV [--metrics-out m.json]</c>: retrieval recall both ways, plus
/// embedding throughput and the latency of a top-k search over 10,000 indexed items.
/// </summary>
internal static class CrossModalEvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A crossmodal model zip", Required = true };
        var pairs = new Option<FileInfo>("--pairs") { Description = "Pairs TSV (image_path<TAB>caption); candidates are all its distinct images / captions", Required = true };
        var metricsOut = new Option<FileInfo?>("--metrics-out") { Description = "Where to write the metrics JSON (also printed)" };
        var latencyItems = new Option<int>("--latency-items") { Description = "Indexed items for the search-latency figure (0: skip)", DefaultValueFactory = _ => 10_000 };
        var rerank = new Option<int>("--rerank") { Description = "Re-rank each query's top N with the fusion head (0: off; needs a --fusion model)", DefaultValueFactory = _ => 0 };
        var matchWeight = new Option<double?>("--match-weight") { Description = "Re-ranking score = scale x cosine + this x match logit (default: the weight chosen on validation pairs at training)" };
        var cmd = new Command("evaluate", "Image→text and text→image retrieval: R@1, R@5, R@10 and median rank, as JSON");
        foreach (var o in new Option[] { model, pairs, metricsOut, latencyItems, rerank, matchWeight }) cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var ctx = CliContext.Create();
            using var m = ctx.LoadCrossModalEncoder(parse.GetValue(model)!.FullName);
            var data = ImageCaptionPairs.Load(parse.GetValue(pairs)!.FullName);
            var pairImages = ((StringColumn)data["ImagePath"]).Values.ToArray();
            var pairTexts = ((StringColumn)data["Caption"]).Values.ToArray();
            var images = pairImages.Distinct(StringComparer.Ordinal).ToArray();
            var texts = pairTexts.Distinct(StringComparer.Ordinal).ToArray();

            using var scope = torch.NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var imageEmb = m.EmbedImages(images);
            double imageSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var textEmb = m.EmbedTexts(texts);
            double textSeconds = clock.Elapsed.TotalSeconds;
            var metrics = RetrievalMetrics.FromEmbeddings(imageEmb, textEmb, images, texts, pairImages, pairTexts);

            var json = (JsonObject)JsonSerializer.SerializeToNode(metrics)!;
            if (parse.GetValue(rerank) is > 0 and var top)
            {
                clock.Restart();
                double weight = parse.GetValue(matchWeight) ?? m.RerankMatchWeight;
                var reranked = RetrievalMetrics.Evaluate(m, pairImages, pairTexts, top, weight);
                json["reranked"] = JsonSerializer.SerializeToNode(reranked);
                json["reranked"]!["top"] = top;
                json["reranked"]!["match_weight"] = weight;
                json["reranked"]!["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            }
            json["throughput"] = new JsonObject
            {
                ["images_per_second"] = Math.Round(images.Length / imageSeconds, 1),
                ["texts_per_second"] = Math.Round(texts.Length / textSeconds, 1),
                ["device"] = m.Device.ToString(),
                ["threads"] = torch.NumThreads,
            };
            int items = parse.GetValue(latencyItems);
            if (items > 0) json["search_latency"] = SearchLatency(m.EmbeddingDim, items);
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

    // Top-10 search over `items` random unit vectors: one query at a time, and a block of 100 queries.
    private static JsonObject SearchLatency(int dim, int items)
    {
        using var scope = torch.NewDisposeScope();
        using var gen = new Generator(1);
        var indexed = Torch.NN.Functional.Normalize(torch.Randn([items, dim], gen), dim: 1);
        var queries = Torch.NN.Functional.Normalize(torch.Randn([100, dim], gen), dim: 1);
        using var index = new RetrievalIndex(indexed, Enumerable.Range(0, items).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        index.Search(queries.Narrow(0, 0, 1), 10); // warm-up
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 100; i++) index.Search(queries.Narrow(0, i, 1), 10);
        double single = clock.Elapsed.TotalMilliseconds / 100;
        clock.Restart();
        index.Search(queries, 10);
        double block = clock.Elapsed.TotalMilliseconds;
        return new JsonObject
        {
            ["indexed_items"] = items,
            ["k"] = 10,
            ["single_query_ms"] = Math.Round(single, 3),
            ["batch_of_100_queries_ms"] = Math.Round(block, 3),
        };
    }
}
