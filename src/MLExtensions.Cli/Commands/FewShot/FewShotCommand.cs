using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Components.FewShot;
using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Scoring;

namespace MLExtensions.Cli.Commands.FewShot;

/// <summary><c>mlext fewshot train|evaluate|predict</c>.</summary>
internal static class FewShotCommand
{
    public static Command Create()
    {
        var cmd = new Command("fewshot", "Few-shot classifiers: meta-train on base classes, then classify new classes from a few examples");
        cmd.Subcommands.Add(Train());
        cmd.Subcommands.Add(Evaluate());
        cmd.Subcommands.Add(Predict());
        return cmd;
    }

    private static Option<T> Opt<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    private static Command Train()
    {
        var d = new FewShotOptions();
        var train = new Option<string[]>("--train") { Description = "Training data: image folder(s) (class = relative folder path) or CSV; repeat to merge", Required = true, AllowMultipleArgumentsPerToken = true };
        var valid = new Option<string[]>("--validation") { Description = "Optional validation data (other classes); default: classes held out of --train" };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the model zip", Required = true };
        var from = new Option<FileInfo?>("--from") { Description = "Start from this trained model's encoder (same encoder settings), e.g. ProtoNet or Reptile episodes after a SimpleShot pre-training" };
        var algorithm = Opt("--algorithm", "protonet|maml|fomaml|reptile|simpleshot", "protonet");
        var distance = Opt("--distance", "ProtoNet distance: euclidean|cosine", "euclidean");
        var ways = Opt("--ways", "Classes per training episode", d.Ways);
        var shots = Opt("--shots", "Support examples per class", d.Shots);
        var queries = Opt("--queries", "Query examples per class", d.Queries);
        var episodes = Opt("--episodes", "Training episodes (SimpleShot: mini-batch steps)", d.Episodes);
        var metaBatch = Opt("--meta-batch", "Tasks per optimiser step", d.MetaBatchSize);
        var lr = Opt("--lr", "Adam learning rate", d.LearningRate);
        var halving = Opt("--lr-halving", "Halve the learning rate every this many episodes", d.LearningRateHalvingEpisodes);
        var innerSteps = Opt("--inner-steps", "MAML/Reptile inner-loop steps in training", d.InnerSteps);
        var adaptSteps = Opt("--adapt-steps", "MAML/Reptile steps when adapting to a support set (0: --inner-steps)", d.AdaptationSteps);
        var reptileStep = Opt("--reptile-step", "Reptile outer step size, annealed linearly to 0 (0: Adam at --lr instead)", d.ReptileStepSize);
        var headInit = Opt("--head-init", "MAML/FOMAML/Reptile task head start: zero, or prototypes (weight 2c, bias -|c|^2 from the support: Proto-MAML)", "zero");
        var innerLr = Opt("--inner-lr", "MAML/Reptile adaptation learning rate", d.InnerLearningRate);
        var schedule = Opt("--schedule", "Learning-rate schedule: step|cosine|constant", "step");
        var batchSize = Opt("--batch-size", "SimpleShot mini-batch size", d.BatchSize);
        var cosineScale = Opt("--cosine-scale", "Factor on cosine similarities (--distance cosine)", d.CosineScale);
        var convChannels = Opt("--conv-channels", "Conv-4 channels per block", d.ConvChannels);
        var hidden = Opt("--hidden", "MLP encoder layer sizes, comma-separated (the last is the embedding)", string.Join(',', d.HiddenSizes));
        var standardise = Opt("--standardise", "Feature standardisation of the MLP encoder: global|per-feature|none", "global");
        var imageSize = Opt("--image-size", "Image side in pixels", d.ImageSize);
        var grayscale = Opt("--grayscale", "Read images as one grey channel (false: RGB)", d.Grayscale);
        var invert = Opt("--invert", "Invert pixel values (dark strokes on white)", false);
        var autoInvert = Opt("--auto-invert", "Invert each image whose border is mostly bright (mixes dark-on-light and light-on-dark folders)", false);
        var rotations = Opt("--rotations", "Rotations by 90/180/270 degrees as extra classes", false);
        var jitter = Opt("--jitter", "Small random affine jitter of training images", false);
        var withinGroup = Opt("--within-group", "Draw an episode's classes from one group (first path segment)", false);
        var supportStatsTraining = Opt("--support-statistics-training", "MAML/FOMAML: normalise each task's query rows with the support's batch statistics, as scoring does (default: their own)", false);
        var balance = Opt("--balance-sources", "Draw training episodes (SimpleShot: mini-batch rows) from each --train source in turn", false);
        var validEvery = Opt("--validate-every", "Validation every this many episodes (0: never)", d.ValidationInterval);
        var validEpisodes = Opt("--validation-episodes", "Episodes per validation", d.ValidationEpisodes);
        var patience = Opt("--patience", "Validations without improvement before stopping (0: never)", d.Patience);
        var maxMinutes = Opt("--max-minutes", "Time budget: stop after the episode that ends past it, validating once more (best validation weights kept; 0 = none)", d.MaxMinutes);
        var labelColumn = Opt("--label-column", "CSV label column", d.LabelColumnName);
        var classes = Opt<string?>("--classes", "Keep only these classes (comma-separated)", null);
        var groups = Opt<string?>("--groups", "Keep only classes of these groups (first path segment; comma-separated)", null);
        var seed = Opt("--seed", "Random seed", 1);
        var cmd = new Command("train", "Meta-train a few-shot model and save it");
        foreach (var o in new Option[] { train, valid, output, from, algorithm, distance, ways, shots, queries, episodes, metaBatch, lr, halving, schedule, batchSize,
                     cosineScale, convChannels, hidden, standardise, innerSteps, adaptSteps, reptileStep, headInit, innerLr, imageSize, grayscale, invert, autoInvert, rotations, jitter, withinGroup, supportStatsTraining, balance, validEvery, validEpisodes, patience, maxMinutes, labelColumn, classes, groups, seed })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var options = new FewShotOptions
            {
                Algorithm = FewShotOptions.ParseAlgorithm(p.GetValue(algorithm)!),
                Distance = p.GetValue(distance)!.ToLowerInvariant() switch
                {
                    "euclidean" or "squaredeuclidean" => FewShotDistance.SquaredEuclidean,
                    "cosine" => FewShotDistance.Cosine,
                    var x => throw new ArgumentException($"unknown distance '{x}'; known: euclidean, cosine"),
                },
                Ways = p.GetValue(ways), Shots = p.GetValue(shots), Queries = p.GetValue(queries), Episodes = p.GetValue(episodes),
                MetaBatchSize = p.GetValue(metaBatch), LearningRate = p.GetValue(lr), LearningRateHalvingEpisodes = p.GetValue(halving),
                Schedule = p.GetValue(schedule)!.ToLowerInvariant() switch
                {
                    "step" => FewShotSchedule.Step,
                    "cosine" => FewShotSchedule.Cosine,
                    "constant" => FewShotSchedule.Constant,
                    var x => throw new ArgumentException($"unknown schedule '{x}'; known: step, cosine, constant"),
                },
                BatchSize = p.GetValue(batchSize), CosineScale = p.GetValue(cosineScale), ConvChannels = p.GetValue(convChannels),
                HiddenSizes = ParseCounts("--hidden", p.GetValue(hidden)!),
                Standardisation = p.GetValue(standardise)!.ToLowerInvariant() switch
                {
                    "global" => FewShotStandardisation.Global,
                    "per-feature" or "perfeature" => FewShotStandardisation.PerFeature,
                    "none" => FewShotStandardisation.None,
                    var x => throw new ArgumentException($"unknown standardisation '{x}'; known: global, per-feature, none"),
                },
                InnerSteps = p.GetValue(innerSteps), AdaptationSteps = p.GetValue(adaptSteps), ReptileStepSize = p.GetValue(reptileStep), InnerLearningRate = p.GetValue(innerLr), ImageSize = p.GetValue(imageSize),
                Grayscale = p.GetValue(grayscale), Invert = p.GetValue(invert), AutoInvert = p.GetValue(autoInvert), Rotations = p.GetValue(rotations), AffineJitter = p.GetValue(jitter), WithinGroup = p.GetValue(withinGroup),
                SupportStatisticsTraining = p.GetValue(supportStatsTraining),
                HeadInit = p.GetValue(headInit)!.ToLowerInvariant() switch
                {
                    "zero" => FewShotHeadInit.Zero,
                    "prototypes" or "proto" => FewShotHeadInit.Prototypes,
                    var x => throw new ArgumentException($"unknown --head-init '{x}'; known: zero, prototypes"),
                },
                ValidationInterval = p.GetValue(validEvery), ValidationEpisodes = p.GetValue(validEpisodes), Patience = p.GetValue(patience), MaxMinutes = p.GetValue(maxMinutes),
                LabelColumnName = p.GetValue(labelColumn)!,
                SourceColumnName = p.GetValue(balance) ? "Source" : null,
            };
            FewShotAlgorithm[] gradient = [FewShotAlgorithm.Maml, FewShotAlgorithm.FoMaml, FewShotAlgorithm.Reptile];
            foreach (var warning in FewShotUnusedOptions.Find(p, options.Algorithm,
                     [(innerSteps, gradient), (adaptSteps, gradient), (innerLr, gradient), (headInit, gradient),
                      (reptileStep, [FewShotAlgorithm.Reptile]), (supportStatsTraining, [FewShotAlgorithm.Maml, FewShotAlgorithm.FoMaml]),
                      (distance, [FewShotAlgorithm.ProtoNet]), (batchSize, [FewShotAlgorithm.SimpleShot])]))
                Console.Error.WriteLine(warning);
            var ctx = CliContext.CreateWithLog(p.GetValue(seed));
            // The starting model first: a wrong --from fails before the data is read.
            using var initial = p.GetValue(from) is { } fromFile ? ModelFile.Load<FewShotModel>(fromFile.FullName, ctx) : null;
            var data = FewShotData.Load(ctx, p.GetValue(train)!, options, p.GetValue(classes), p.GetValue(groups));
            var validation = p.GetValue(valid) is { Length: > 0 } v ? FewShotData.Load(ctx, v, options, null) : null;
            var trainer = ctx.FewShotClassifier(options);
            var clock = Stopwatch.StartNew();
            using var model = CliProgress.Run("fewshot train", progress =>
            {
                trainer.Progress = progress;
                return trainer.Fit(data, validation, initial);
            });
            var seconds = clock.Elapsed.TotalSeconds;
            var outFile = p.GetValue(output)!;
            model.Metrics["train_seconds"] = seconds;
            model.Save(outFile.FullName);
            var best = model.Metrics.TryGetValue("val_accuracy", out var va) ? FormattableString.Invariant($"; best validation accuracy {va:P2}") : "";
            Console.WriteLine(FormattableString.Invariant($"trained {options.Algorithm} on {data.RowCount} rows in {seconds:F1} s{best}; saved {outFile.FullName}"));
            return 0;
        }));
        return cmd;
    }

    private static Command Evaluate()
    {
        var model = new Option<FileInfo>("--model") { Description = "A model zip from fewshot train", Required = true };
        var data = new Option<string[]>("--data") { Description = "Labelled data: image folder(s) or CSV", Required = true, AllowMultipleArgumentsPerToken = true };
        var ways = Opt("--ways", "N; a comma-separated list evaluates each (the data is embedded once)", "5");
        var shots = Opt("--shots", "K; a comma-separated list evaluates each", "1");
        var queries = Opt("--queries", "Q", 15);
        var episodes = Opt("--episodes", "E", 600);
        var withinGroup = Opt("--within-group", "Classes of an episode from one group", false);
        var classes = Opt<string?>("--classes", "Keep only these classes (comma-separated)", null);
        var groups = Opt<string?>("--groups", "Keep only classes of these groups (first path segment; comma-separated)", null);
        var metrics = new Option<FileInfo?>("--metrics-out") { Description = "Write the metrics as JSON here" };
        var seed = Opt("--seed", "Episode seed", 1);
        var adaptSteps = Opt("--adapt-steps", "MAML/Reptile adaptation steps (0: the model's own)", 0);
        var transductive = Opt("--transductive-batch-norm",
            "MAML/FOMAML/Reptile: normalise each episode's queries with their own batch statistics (the published protocol; default: the support's, as adapted classifiers score)", false);
        var cmd = new Command("evaluate", "Mean accuracy and 95% interval over random N-way K-shot episodes");
        foreach (var o in new Option[] { model, data, ways, shots, queries, episodes, withinGroup, classes, groups, metrics, seed, adaptSteps, transductive }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.Create(p.GetValue(seed));
            using var m = ModelFile.Load<FewShotModel>(p.GetValue(model)!.FullName, ctx);
            if (p.GetValue(adaptSteps) is var steps and not 0)
                m.Options.AdaptationSteps = steps > 0 ? steps : throw new ArgumentException($"--adapt-steps must not be negative (got {steps})");
            m.Options.TransductiveBatchNorm = p.GetValue(transductive);
            var batch = FewShotData.Load(ctx, p.GetValue(data)!, m.Options, p.GetValue(classes), p.GetValue(groups));
            var clock = Stopwatch.StartNew();
            var settings = (from n in ParseCounts("--ways", p.GetValue(ways)!) from k in ParseCounts("--shots", p.GetValue(shots)!) select (n, k)).ToList();
            var results = m.Evaluate(batch, settings, p.GetValue(queries), p.GetValue(episodes), p.GetValue(withinGroup), p.GetValue(seed));
            var seconds = clock.Elapsed.TotalSeconds;
            JsonObject Json(FewShotEvaluation r)
            {
                var o = r.ToJson();
                o["transductiveBatchNorm"] = m.Options.TransductiveBatchNorm;
                return o;
            }
            JsonNode json;
            if (results.Count == 1)
            {
                var one = Json(results[0]);
                one["seconds"] = seconds;
                json = one;
            }
            else json = new JsonArray(results.Select(r => (JsonNode)Json(r)).ToArray());
            var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            Console.WriteLine(text);
            if (p.GetValue(metrics) is { } f) File.WriteAllText(f.FullName, text + Environment.NewLine);
            return 0;
        }));
        return cmd;
    }

    private static Command Predict()
    {
        var model = new Option<FileInfo>("--model") { Description = "A model zip from fewshot train", Required = true };
        var support = new Option<DirectoryInfo>("--support") { Description = "One sub-folder per class holding its examples", Required = true };
        var query = new Option<DirectoryInfo>("--query") { Description = "Images to classify (any depth)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV: path,predicted,probability", Required = true };
        var adapted = new Option<FileInfo?>("--save-classifier") { Description = "Also save the adapted classifier zip here" };
        var cmd = new Command("predict", "Classify query images into the classes of a support folder");
        foreach (var o in new Option[] { model, support, query, output, adapted }) cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            var ctx = CliContext.Create();
            using var m = ModelFile.Load<FewShotModel>(p.GetValue(model)!.FullName, ctx);
            if (!m.IsImage) throw new ArgumentException("fewshot predict reads image folders; this model was trained on feature vectors");
            var supportDir = p.GetValue(support)!.FullName;
            var supportBatch = FewShotImageFolder.Load(supportDir, m.Options.ImageColumnName, m.Options.LabelColumnName);
            var clock = Stopwatch.StartNew();
            using var classifier = m.Adapt(supportBatch);
            var queries = FewShotImageFolder.LoadUnlabelled(p.GetValue(query)!.FullName, m.Options.ImageColumnName);
            var outFile = p.GetValue(output)!;
            Directory.CreateDirectory(outFile.DirectoryName ?? ".");
            using var writer = new StreamWriter(outFile.FullName);
            writer.WriteLine("path,predicted,probability");
            foreach (var scored in classifier.TransformBatches(queries.Batches(m.Options.ScoringBatchSize)))
            {
                var paths = (StringColumn)scored[m.Options.ImageColumnName];
                var predicted = scored.GetColumn<KeyColumn>("PredictedLabel");
                var score = scored.GetColumn<FloatVectorColumn>("Score");
                for (int i = 0; i < scored.RowCount; i++)
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Csv(paths[i])},{Csv(predicted.GetName(i))},{score.GetRow(i)[(int)predicted[i]]:G6}"));
            }
            if (p.GetValue(adapted) is { } a) classifier.Save(a.FullName);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{classifier.Classes.Count} classes from {supportBatch.RowCount} support images; {queries.RowCount} queries in {clock.Elapsed.TotalSeconds:F2} s -> {outFile.FullName}"));
            return 0;
        }));
        return cmd;
    }

    // A comma-separated list of positive integers (e.g. "256,128" or "5,20").
    private static int[] ParseCounts(string option, string text)
    {
        var counts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{option}: '{t}' is not a positive whole number (expected e.g. 5 or 5,20)"))
            .ToArray();
        return counts.Length > 0 ? counts : throw new ArgumentException($"{option}: no value given");
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
