using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MLExtensions.Components.CrossModal;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary><c>mlext crossmodal train --pairs TSV --out cm.zip</c>: trains and saves a cross-modal encoder.</summary>
internal static class CrossModalTrainCommand
{
    public static Command Create()
    {
        var defaults = new CrossModalEncoderOptions();
        var pairs = new Option<FileInfo>("--pairs") { Description = "Training pairs: TSV with header image_path<TAB>caption (paths relative to the TSV)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the model zip", Required = true };
        var encoder = new Option<string>("--image-encoder") { Description = "cnn or vit", DefaultValueFactory = _ => "cnn" };
        encoder.AcceptOnlyFromAmong("cnn", "vit");
        var textEncoder = new Option<string>("--text-encoder") { Description = "transformer or bow (bag of subwords, the baseline)", DefaultValueFactory = _ => "transformer" };
        textEncoder.AcceptOnlyFromAmong("transformer", "bow");
        var textLayers = new Option<int>("--text-layers") { Description = "Text transformer layers", DefaultValueFactory = _ => defaults.TextLayers };
        var dim = new Option<int>("--dim") { Description = "Embedding size", DefaultValueFactory = _ => defaults.EmbeddingDim };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => defaults.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Pairs per micro-batch (the InfoNCE negatives)", DefaultValueFactory = _ => defaults.BatchSize };
        var accumulation = new Option<int>("--accumulation") { Description = "Micro-batches per optimizer step; InfoNCE is over all the step's pairs (gradient caching: a second forward pass per micro-batch) unless --local-negatives", DefaultValueFactory = _ => defaults.AccumulationSteps };
        var localNegatives = new Option<bool>("--local-negatives") { Description = "With --accumulation: each micro-batch's pairs are its only negatives (one forward pass; the losses are averaged)" };
        var lr = new Option<double>("--lr") { Description = "Peak AdamW learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var imageSize = new Option<int>("--image-size") { Description = "Images are resized to this square size", DefaultValueFactory = _ => defaults.ImageSize };
        var width = new Option<int?>("--width") { Description = "Image encoder width (CNN first-stage channels, ViT token width)" };
        var textWidth = new Option<int>("--text-width") { Description = "Text encoder width", DefaultValueFactory = _ => defaults.TextWidth };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens per caption, longer ones are truncated", DefaultValueFactory = _ => defaults.MaxTokens };
        var vocab = new Option<int>("--vocab-size") { Description = "BPE vocabulary size", DefaultValueFactory = _ => defaults.VocabularySize };
        var noCrop = new Option<bool>("--no-crop") { Description = "Turn random resized crops off" };
        var flip = new Option<bool>("--flip") { Description = "Random horizontal flips (off by default: they change the meaning of symbols)" };
        var valid = new Option<double>("--valid-fraction") { Description = "Held-out fraction for early stopping on recall", DefaultValueFactory = _ => defaults.ValidationFraction };
        var validGroup = new Option<string?>("--valid-group") { Description = "Regex: pairs whose captions give the same first match are held out together (e.g. '^[^:(]+')" };
        var minEpochs = new Option<int>("--min-epochs") { Description = "Epochs trained before early stopping may end the run (default 0)" };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs (0: off)", DefaultValueFactory = _ => defaults.EarlyStoppingPatience };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var fusion = new Option<bool>("--fusion") { Description = "Also train the fusion re-ranker (image-text matching head on hard negatives, encoders frozen)" };
        var from = new Option<FileInfo?>("--from") { Description = "Add the fusion re-ranker to this model (trained on the same --pairs) instead of training encoders" };
        var fusionLayers = new Option<int>("--fusion-layers") { Description = "Fusion layers (self-attention, cross-attention, feed-forward)", DefaultValueFactory = _ => defaults.FusionLayers };
        var fusionEpochs = new Option<int>("--fusion-epochs") { Description = "Epochs of the fusion head's training stage", DefaultValueFactory = _ => defaults.FusionEpochs };
        var fusionNegatives = new Option<int>("--fusion-negatives") { Description = "Hard negatives per image and per caption in each step", DefaultValueFactory = _ => defaults.FusionNegatives };
        var fusionPool = new Option<int>("--fusion-pool") { Description = "Negatives are drawn from this many nearest candidates by cosine", DefaultValueFactory = _ => defaults.FusionHardPool };
        var fusionColours = new Option<bool>("--fusion-colours") { Description = "CNN: the fusion head also sees the mean colours of each image token's area" };
        var fusionLr = new Option<double>("--fusion-lr") { Description = "Peak AdamW learning rate of the fusion head", DefaultValueFactory = _ => defaults.FusionLearningRate };
        var cmd = new Command("train", "Train image and text encoders into one embedding space (symmetric InfoNCE) and save the model zip");
        foreach (var o in new Option[] { pairs, output, encoder, textEncoder, textLayers, dim, epochs, batch, accumulation, localNegatives, lr, imageSize, width, textWidth, maxTokens, vocab, noCrop, flip, valid, validGroup, patience, minEpochs, seed, fusion, from, fusionLayers, fusionEpochs, fusionNegatives, fusionPool, fusionLr, fusionColours })
            cmd.Options.Add(o);
        cmd.SetAction(parse => CommandRunner.Run(() =>
        {
            var options = new CrossModalEncoderOptions
            {
                ImageEncoder = parse.GetValue(encoder) == "vit" ? ImageEncoderKind.Vit : ImageEncoderKind.Cnn,
                TextEncoder = parse.GetValue(textEncoder) == "bow" ? TextEncoderKind.BagOfWords : TextEncoderKind.Transformer,
                TextLayers = parse.GetValue(textLayers),
                EmbeddingDim = parse.GetValue(dim),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                AccumulationSteps = parse.GetValue(accumulation),
                AccumulationSharesNegatives = !parse.GetValue(localNegatives),
                LearningRate = parse.GetValue(lr),
                ImageSize = parse.GetValue(imageSize),
                TextWidth = parse.GetValue(textWidth),
                MaxTokens = parse.GetValue(maxTokens),
                VocabularySize = parse.GetValue(vocab),
                RandomResizedCrop = !parse.GetValue(noCrop),
                HorizontalFlip = parse.GetValue(flip),
                ValidationFraction = parse.GetValue(valid),
                ValidationGroupPattern = parse.GetValue(validGroup),
                EarlyStoppingPatience = parse.GetValue(patience),
                EarlyStoppingMinEpochs = parse.GetValue(minEpochs),
                Seed = parse.GetValue(seed),
                Fusion = parse.GetValue(fusion) || parse.GetValue(from) is not null,
                FusionLayers = parse.GetValue(fusionLayers),
                FusionEpochs = parse.GetValue(fusionEpochs),
                FusionNegatives = parse.GetValue(fusionNegatives),
                FusionHardPool = parse.GetValue(fusionPool),
                FusionLearningRate = parse.GetValue(fusionLr),
                FusionColours = parse.GetValue(fusionColours),
            };
            if (parse.GetValue(width) is int w)
            {
                if (options.ImageEncoder == ImageEncoderKind.Vit) options.VitWidth = w; else options.CnnWidth = w;
            }
            return Run(parse.GetValue(pairs)!, parse.GetValue(output)!, options, parse.GetValue(from));
        }));
        return cmd;
    }

    private static int Run(FileInfo pairs, FileInfo output, CrossModalEncoderOptions options, FileInfo? from)
    {
        var ctx = CliContext.CreateWithLog(options.Seed);
        var data = ImageCaptionPairs.Load(pairs.FullName);
        Console.WriteLine($"pairs: {data.RowCount} from {pairs.Name}; {options.ImageEncoder} image encoder, {options.TextEncoder} text encoder, dim {options.EmbeddingDim}, device {ctx.ResolveDevice()}");
        var clock = Stopwatch.StartNew();
        using var start = from is null ? null : ctx.LoadCrossModalEncoder(from.FullName);
        using var model = CliProgress.Run("crossmodal train", progress =>
        {
            options.Progress = progress;
            var trainer = ctx.CrossModalEncoder(options);
            return start is null ? trainer.Fit(data) : trainer.FitFusion(start, data);
        });
        model.Save(output.FullName);
        var metrics = string.Join(", ", model.Metrics.Select(kv => $"{kv.Key} {kv.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
        Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s ({metrics}); saved {output.FullName}");
        return 0;
    }
}
