using System.CommandLine;
using System.Globalization;
using MLExtensions.Components.LinkPrediction;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary><c>mlext linkpred train</c>: fits a link predictor on a triples TSV, with early stopping on a validation TSV.</summary>
internal static class LinkPredTrainCommand
{
    public static Command Create()
    {
        var d = new LinkPredictionOptions();
        var g = new GraphLinkPredictionOptions();
        var train = new Option<FileInfo?>("--train") { Description = "Training triples (head<TAB>relation<TAB>tail, no header); knowledge-graph models" };
        var edges = new Option<FileInfo?>("--edges") { Description = "Training edges (source<TAB>target, no header, undirected); graphsage/gcn models" };
        var nodeFeatures = new Option<FileInfo?>("--node-features") { Description = "graphsage/gcn: CSV/TSV with a header, one row per node: id column, then numeric features (lets the model embed unseen nodes)" };
        var idColumn = new Option<string?>("--node-id-column") { Description = "Id column of --node-features (default: the first column)" };
        var valid = new Option<FileInfo?>("--valid") { Description = "Validation triples (or edges for graphsage/gcn): filtered MRR each epoch, early stopping, best weights kept" };
        var output = new Option<FileInfo>("--out") { Description = "Where to save the model zip", Required = true };
        var model = new Option<string>("--model") { Description = "distmult | complex | rotate | transe, rgcn-<one of them> (R-GCN encoder in front), compgcn[-<decoder>] (CompGCN-style encoder; default decoder distmult); graphsage | gcn for homogeneous graphs (--edges)", DefaultValueFactory = _ => "distmult" };
        var decoder = new Option<string>("--decoder") { Description = "graphsage/gcn: dot | distmult", DefaultValueFactory = _ => "dot" };
        var dim = new Option<int?>("--dim") { Description = $"Embedding size (default {d.Dim}; graphsage/gcn {g.Dim})" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => d.Epochs };
        var batch = new Option<int>("--batch-size") { Description = "Queries (1-N) or triples/edges (negative sampling) per step", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<double?>("--lr") { Description = FormattableString.Invariant($"Learning rate (default {d.LearningRate}; graphsage/gcn {g.LearningRate})") };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW decoupled weight decay", DefaultValueFactory = _ => d.WeightDecay };
        var loss = new Option<string>("--loss") { Description = "1-n (BCE over all entities, per distinct query) | 1vsall (softmax cross-entropy over all entities, per training triple and direction) | ns (negative sampling, self-adversarial); graphsage/gcn always ns", DefaultValueFactory = _ => "1-n" };
        var reciprocal = new Option<bool>("--reciprocal") { Description = "Learn an inverse of each relation and score head queries (?, r, t) as tail queries (t, r^-1, ?) (models without an encoder)" };
        var optimizerName = new Option<string>("--optimizer") { Description = "adamw | adagrad (knowledge-graph models)", DefaultValueFactory = _ => "adamw" };
        var smoothing = new Option<double>("--label-smoothing") { Description = "Label smoothing of the 1-N loss", DefaultValueFactory = _ => d.LabelSmoothing };
        var negatives = new Option<int?>("--negatives") { Description = $"Negatives per positive (ns; default {d.NegativesPerPositive}; graphsage/gcn {g.NegativesPerPositive})" };
        var temperature = new Option<double?>("--adversarial-temperature") { Description = FormattableString.Invariant($"Self-adversarial temperature α (ns; 0 = uniform; default {d.AdversarialTemperature}; graphsage/gcn {g.AdversarialTemperature})") };
        var margin = new Option<double>("--margin") { Description = "γ of rotate/transe", DefaultValueFactory = _ => d.Margin };
        var regularizer = new Option<string>("--regularizer") { Description = "n3 | l2 | none", DefaultValueFactory = _ => "n3" };
        var regWeight = new Option<double>("--reg-weight") { Description = "Regularisation weight λ", DefaultValueFactory = _ => d.RegularizationWeight };
        var patience = new Option<int?>("--patience") { Description = $"Validations without improvement before stopping (0 = off; default {d.EarlyStoppingPatience}; graphsage/gcn {g.EarlyStoppingPatience})" };
        var minEpochs = new Option<int>("--min-epochs") { Description = "Epochs trained before early stopping may end the run (default 0)" };
        var validateEvery = new Option<int>("--validate-every") { Description = "Validate every N epochs", DefaultValueFactory = _ => d.ValidateEveryEpochs };
        var maxMinutes = new Option<double>("--max-minutes") { Description = "Time budget: stop after the epoch past which another would exceed it (best validation weights kept; 0 = none)", DefaultValueFactory = _ => 0 };
        var validMax = new Option<int>("--valid-max") { Description = "Validate on at most this many validation triples (seeded sample; 0 = all)", DefaultValueFactory = _ => 0 };
        var layers = new Option<int?>("--encoder-layers") { Description = $"Encoder layers (rgcn-*, compgcn*: default {d.EncoderLayers}; graphsage/gcn: {g.Layers})" };
        var bases = new Option<int>("--encoder-bases") { Description = "R-GCN bases, or blocks with --block-diagonal", DefaultValueFactory = _ => d.EncoderBases };
        var blockDiagonal = new Option<bool>("--block-diagonal") { Description = "R-GCN block-diagonal decomposition instead of bases" };
        var entityBias = new Option<bool?>("--entity-bias") { Description = "true|false: learn a score bias per entity (default: on for 1-N training, off otherwise)" };
        var coldStart = new Option<double>("--cold-start-fraction") { Description = "graphsage/gcn: fraction of nodes that receive no messages in each step (teaches scoring from features alone)", DefaultValueFactory = _ => g.ColdStartFraction };
        var denseUpdates = new Option<bool>("--dense-updates") { Description = "ns without encoder: update the whole entity table each step instead of only the rows the batch touches" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var cmd = new Command("train", "Train a link predictor on triples (or on a homogeneous graph's edges with graphsage/gcn); saves a model zip with its id maps");
        foreach (var o in new Option[] { train, edges, nodeFeatures, idColumn, valid, output, model, decoder, dim, epochs, batch, lr, weightDecay, loss, reciprocal, optimizerName, smoothing,
                                         negatives, temperature, margin, regularizer, regWeight, patience, minEpochs, validateEvery, validMax, maxMinutes, layers, bases, blockDiagonal, entityBias, coldStart, denseUpdates, seed })
            cmd.Options.Add(o);
        cmd.SetAction(p => CommandRunner.Run(() =>
        {
            if (LinkPredGraph.IsGraphModel(p.GetValue(model)!))
            {
                var edgesFile = p.GetValue(edges) ?? throw new ArgumentException("--model graphsage/gcn trains on --edges (source<TAB>target); --train is for triples");
                if (p.GetValue(entityBias) == true) throw new ArgumentException("--entity-bias applies to knowledge-graph models (1-N or 1vsAll), not to graphsage/gcn");
                var graphOptions = new GraphLinkPredictionOptions
                {
                    Encoder = LinkPredGraph.ParseEncoder(p.GetValue(model)!), Decoder = LinkPredGraph.ParseDecoder(p.GetValue(decoder)!),
                    Dim = p.GetValue(dim) ?? g.Dim, Layers = p.GetValue(layers) ?? g.Layers, Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch),
                    LearningRate = p.GetValue(lr) ?? g.LearningRate, WeightDecay = p.GetValue(weightDecay),
                    NegativesPerPositive = p.GetValue(negatives) ?? g.NegativesPerPositive,
                    AdversarialTemperature = p.GetValue(temperature) ?? g.AdversarialTemperature,
                    EarlyStoppingPatience = p.GetValue(patience) ?? g.EarlyStoppingPatience, EarlyStoppingMinEpochs = p.GetValue(minEpochs), ValidateEveryEpochs = p.GetValue(validateEvery),
                    ColdStartFraction = p.GetValue(coldStart),
                };
                return LinkPredGraph.Train(graphOptions, edgesFile, p.GetValue(nodeFeatures), p.GetValue(idColumn), p.GetValue(valid), p.GetValue(output)!, p.GetValue(seed));
            }
            var trainFile = p.GetValue(train) ?? throw new ArgumentException("--train (head<TAB>relation<TAB>tail triples) is required; for a homogeneous graph use --model graphsage|gcn --edges");
            var (kgDecoder, encoder) = ParseModel(p.GetValue(model)!);
            var options = new LinkPredictionOptions
            {
                Model = kgDecoder, Encoder = encoder, EncoderLayers = p.GetValue(layers) ?? d.EncoderLayers, EncoderBases = p.GetValue(bases),
                RgcnDecomposition = p.GetValue(blockDiagonal) ? RgcnDecomposition.BlockDiagonal : RgcnDecomposition.Basis,
                EntityBias = p.GetValue(entityBias),
                Dim = p.GetValue(dim) ?? d.Dim, Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch),
                LearningRate = p.GetValue(lr) ?? d.LearningRate, WeightDecay = p.GetValue(weightDecay),
                Mode = p.GetValue(loss)!.ToLowerInvariant() switch
                {
                    "1-n" or "1n" or "onetoN" => LinkPredictionTrainingMode.OneToN,
                    "1vsall" or "1-vs-all" => LinkPredictionTrainingMode.OneVsAll,
                    "ns" or "negative-sampling" => LinkPredictionTrainingMode.NegativeSampling,
                    var other => throw new ArgumentException($"--loss must be 1-n, 1vsall or ns, not '{other}'"),
                },
                ReciprocalRelations = p.GetValue(reciprocal),
                Optimizer = p.GetValue(optimizerName)!.ToLowerInvariant() switch
                {
                    "adamw" => KgeOptimizer.AdamW, "adagrad" => KgeOptimizer.Adagrad,
                    var other => throw new ArgumentException($"--optimizer must be adamw or adagrad, not '{other}'"),
                },
                LabelSmoothing = p.GetValue(smoothing), NegativesPerPositive = p.GetValue(negatives) ?? d.NegativesPerPositive,
                AdversarialTemperature = p.GetValue(temperature) ?? d.AdversarialTemperature, Margin = p.GetValue(margin),
                RowwiseEntityUpdates = !p.GetValue(denseUpdates),
                Regularization = p.GetValue(regularizer)!.ToLowerInvariant() switch
                {
                    "n3" => KgeRegularization.N3, "l2" => KgeRegularization.L2, "none" => KgeRegularization.None,
                    var other => throw new ArgumentException($"--regularizer must be n3, l2 or none, not '{other}'"),
                },
                RegularizationWeight = p.GetValue(regWeight), EarlyStoppingPatience = p.GetValue(patience) ?? d.EarlyStoppingPatience, EarlyStoppingMinEpochs = p.GetValue(minEpochs),
                ValidateEveryEpochs = p.GetValue(validateEvery), ValidationMaxTriples = p.GetValue(validMax),
                MaxTrainingMinutes = p.GetValue(maxMinutes),
            };
            return Run(options, trainFile, p.GetValue(valid), p.GetValue(output)!, p.GetValue(seed));
        }));
        return cmd;
    }

    // "rgcn-<decoder>" / "compgcn-<decoder>" put an encoder in front of the decoder; "compgcn" alone = compgcn-distmult.
    private static (KgeModelKind Decoder, EntityEncoderKind Encoder) ParseModel(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        if (n == "compgcn") return (KgeModelKind.DistMult, EntityEncoderKind.CompGcn);
        if (n.StartsWith("compgcn-", StringComparison.Ordinal)) return (KgeModels.Parse(n["compgcn-".Length..]), EntityEncoderKind.CompGcn);
        if (n.StartsWith("rgcn-", StringComparison.Ordinal)) return (KgeModels.Parse(n["rgcn-".Length..]), EntityEncoderKind.Rgcn);
        return (KgeModels.Parse(n), EntityEncoderKind.None);
    }

    private static int Run(LinkPredictionOptions options, FileInfo trainFile, FileInfo? validFile, FileInfo output, int seed)
    {
        var ctx = CliContext.CreateWithLog(seed);
        var train = TriplesTsvReader.Read(trainFile.FullName);
        var valid = validFile is null ? null : TriplesTsvReader.Read(validFile.FullName);
        Console.WriteLine($"{train.Source}: {train.Count} triples" + (train.DuplicatesDropped > 0 ? $" ({train.DuplicatesDropped} repeats dropped)" : "") +
                          (valid is null ? "" : $"; {valid.Source}: {valid.Count} triples") +
                          $"; {KgeModels.NameOf(options.Model)}{(options.ReciprocalRelations ? " (reciprocal relations)" : "")}, dim {options.Dim}, " +
                          options.Mode switch { LinkPredictionTrainingMode.OneToN => "1-N BCE", LinkPredictionTrainingMode.OneVsAll => "1vsAll cross-entropy", _ => "negative sampling" } +
                          $", {options.Optimizer}");
        var trainer = new LinkPredictionTrainer(ctx, options);
        using var model = CliProgress.Run("linkpred", progress => trainer.Fit(train, valid, progress));
        var r = trainer.LastResult!;
        output.Directory?.Create();
        model.Save(output.FullName);
        var perEpoch = r.Epochs > 0 ? r.Elapsed.TotalSeconds / r.Epochs : 0;
        var best = r.BestMetric is { } b ? FormattableString.Invariant($"; best validation MRR {b:F4} at epoch {r.BestEpoch}") : "";
        Console.WriteLine(FormattableString.Invariant(
            $"{model.Maps.EntityCount} entities, {model.Maps.RelationCount} relations; {r.Epochs} epoch(s) in {r.Elapsed.TotalSeconds:F1} s ({perEpoch:F1} s/epoch incl. validation){best}; saved {output.FullName}"));
        return 0;
    }
}
