using System.Diagnostics;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// Meta-trains a few-shot model on base classes: episodes (or, for SimpleShot, supervised mini-batches) with Adam and a
/// learning-rate schedule, validation episodes on held-out classes every <see cref="FewShotOptions.ValidationInterval"/>
/// episodes, early stopping that keeps the best weights, and progress reports.
/// </summary>
public sealed class FewShotTrainer : IEstimator<FewShotModel>
{
    private readonly MLExtContext _context;

    /// <summary>Creates a trainer (see also <see cref="FewShotCatalog.FewShotClassifier"/>).</summary>
    public FewShotTrainer(MLExtContext context, FewShotOptions? options = null)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? new FewShotOptions();
    }

    /// <summary>The options.</summary>
    public FewShotOptions Options { get; }

    /// <summary>Receives progress (episode, loss, validation accuracy, ETA); validation reports have <see cref="TrainingProgress.IsValidation"/>.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        bool image = FewShotInput.IsImage(Options, inputSchema);
        int size = image ? 0 : inputSchema[Options.FeatureColumnName].VectorSize;
        FewShotInput.Check(Options, image, size, inputSchema);
        return new DataSchema(inputSchema.Append(new ColumnSchema(FewShotModel.EmbeddingColumnName, ColumnKind.FloatVector)));
    }

    /// <inheritdoc />
    public FewShotModel Fit(DataBatch input) => Fit(input, null);

    /// <summary>Trains on <paramref name="train"/>; validates on <paramref name="validation"/> (other classes) or on classes held out of the training set.</summary>
    public FewShotModel Fit(DataBatch train, DataBatch? validation) => Fit(train, validation, null);

    /// <summary>
    /// Trains as <see cref="Fit(DataBatch, DataBatch?)"/>, starting from the encoder weights of <paramref name="initial"/>
    /// (warm start, e.g. ProtoNet or Reptile episodes on top of a SimpleShot pre-training) instead of a random
    /// initialisation; the encoder settings (input kind, image size and channels, or feature size, layer sizes and
    /// standardisation) must be those of <paramref name="initial"/>. <paramref name="initial"/> is only read.
    /// </summary>
    /// <exception cref="ArgumentException">The starting model's encoder differs from the one these options build.</exception>
    public FewShotModel Fit(DataBatch train, DataBatch? validation, FewShotModel? initial)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = Options.Clone();
        o.Validate();
        int seed = o.Seed ?? _context.Seed ?? 12345;
        o.Seed = seed;
        bool image = FewShotInput.IsImage(o, train.Schema);
        if (o.Rotations && !image) throw new ArgumentException("Rotations (rotations as classes) need image input");
        if (o.AffineJitter && !image) throw new ArgumentException("AffineJitter needs image input");
        int featureSize = image ? 0 : train.Schema[o.FeatureColumnName].VectorSize;
        FewShotInput.Check(o, image, featureSize, train.Schema);
        if (validation != null) FewShotInput.Check(o, image, featureSize, validation.Schema);
        var device = _context.ResolveDevice();
        torch.ManualSeed((ulong)seed);

        using var all = FewShotSet.From(o, image, train, device, sources: true);
        var (trainSet, validSet) = Split(o, all, validation, image, device, seed);
        using var trainSetOwned = trainSet;
        using var validSetOwned = validSet;
        using var training = o.Rotations ? trainSet.WithRotations() : null;
        var set = training ?? trainSet;
        _context.WriteLog(MessageSeverity.Info, "FewShot",
            $"{o.Algorithm}: {set.ClassNames.Length} training classes ({set.RowCount} rows){(validSet != null ? $", {validSet.ClassNames.Length} validation classes" : ", no validation")}, {device}");

        using var gen = new Generator((ulong)seed);
        var encoder = FewShotEncoder.Create(o, image, featureSize, gen);
        encoder.To(device);
        var model = new FewShotModel(o, image, featureSize, encoder, null, device);
        try
        {
            if (initial != null)
            {
                FewShotWarmStart.Apply(o, image, featureSize, encoder, initial);
                _context.WriteLog(MessageSeverity.Info, "FewShot", $"encoder starts from a trained {initial.Options.Algorithm} model");
            }
            else if (encoder is MlpEncoder mlp) mlp.FitStandardisation(set.X);
            Train(o, model, set, validSet, seed, device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private (FewShotSet Train, FewShotSet? Valid) Split(FewShotOptions o, FewShotSet all, DataBatch? validation, bool image, Device device, int seed)
    {
        if (validation != null) return (all.SubsetOfClasses(Enumerable.Range(0, all.ClassNames.Length).ToArray()), FewShotSet.From(o, image, validation, device));
        int classes = all.ClassNames.Length;
        int held = (int)Math.Round(classes * o.ValidationClassFraction);
        var order = Enumerable.Range(0, classes).ToArray();
        new Random(seed).Shuffle(order);
        if (o.ValidationInterval <= 0 || held == 0 || held < o.Ways || classes - held < o.Ways)
        {
            if (o.ValidationInterval > 0 && o.ValidationClassFraction > 0)
                _context.WriteLog(MessageSeverity.Warning, "FewShot",
                    $"validation skipped: holding out {held} of {classes} classes would leave fewer than {o.Ways} classes on one side");
            return (all.SubsetOfClasses(Enumerable.Range(0, classes).ToArray()), null);
        }
        var valid = order[..held].Order().ToArray();
        var rest = order[held..].Order().ToArray();
        _context.WriteLog(MessageSeverity.Info, "FewShot", "validation classes: " + string.Join(',', valid.Select(c => all.ClassNames[c])));
        return (all.SubsetOfClasses(rest), all.SubsetOfClasses(valid));
    }

    private void Train(FewShotOptions o, FewShotModel model, FewShotSet set, FewShotSet? valid, int seed, Device device)
    {
        var encoder = model.Encoder;
        bool simple = o.Algorithm == FewShotAlgorithm.SimpleShot;
        using var classifier = simple ? new Linear(encoder.EmbeddingSize, set.ClassNames.Length, device: device) : null;
        var parameters = encoder.Parameters().Concat(classifier?.Parameters() ?? []).ToList();
        // Reptile's meta-gradient is (initialisation - mean adapted weights), so SGD at step size ε is its interpolation step.
        bool interpolate = o.Algorithm == FewShotAlgorithm.Reptile && o.ReptileStepSize > 0;
        using Optimizer optimizer = interpolate ? new SGD(parameters, o.ReptileStepSize) : new Adam(parameters, o.LearningRate);
        LrScheduler? schedule = interpolate ? new LinearDecay(optimizer, o.Episodes) : o.Schedule switch
        {
            FewShotSchedule.Step => new StepLR(optimizer, Math.Max(1, o.LearningRateHalvingEpisodes), 0.5),
            FewShotSchedule.Cosine => new CosineWithWarmup(optimizer, Math.Max(1, o.Episodes / 20), o.Episodes),
            _ => null,
        };
        EpisodeSampler? sampler = simple ? null : set.Sampler(o.Ways, o.Shots, o.Queries, o.WithinGroup, seed);
        var rows = new Random(seed);
        bool validate = valid != null && o.ValidationInterval > 0;
        int rounds = validate ? Math.Max(1, o.Episodes / o.ValidationInterval) : 0;
        double? best = null;
        Dictionary<string, Tensor>? bestState = null;
        int sinceBest = 0, round = 0;
        double lossSum = 0;
        int lossCount = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int episode = 1; episode <= o.Episodes; episode++)
            {
                encoder.Train();
                double loss;
                using (var scope = torch.NewDisposeScope())
                {
                    optimizer.ZeroGrad();
                    loss = simple
                        ? SupervisedStep(o, encoder, classifier!, set, rows, device)
                        : EpisodeStep(o, encoder, set, sampler!, rows, device);
                    optimizer.Step();
                }
                schedule?.Step();
                lossSum += loss;
                lossCount++;
                bool outOfTime = o.MaxMinutes > 0 && clock.Elapsed.TotalMinutes >= o.MaxMinutes && episode < o.Episodes;
                bool validateNow = validate && (episode % o.ValidationInterval == 0 || outOfTime);
                if (validateNow)
                {
                    round++;
                    model.SetCenter(simple ? ComputeCenter(model, set) : null);
                    var acc = model.EvaluateSet(valid!, valid!.Sampler(o.Ways, o.Shots, o.Queries, o.WithinGroup && HasGroups(valid, o.Ways), seed + 1), o.ValidationEpisodes).Accuracy;
                    if (best is null || acc > best)
                    {
                        best = acc;
                        sinceBest = 0;
                        DisposeState(bestState);
                        bestState = encoder.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone().DetachFromDisposeScope());
                    }
                    else sinceBest++;
                    Report(o, episode, rounds, round, lossSum / lossCount, acc, best, true, clock);
                    lossSum = 0;
                    lossCount = 0;
                    if (o.Patience > 0 && sinceBest >= o.Patience)
                    {
                        _context.WriteLog(MessageSeverity.Info, "FewShot", $"early stop at episode {episode}: no better validation accuracy for {o.Patience} validations");
                        break;
                    }
                }
                else if (episode % 10 == 0 || episode == o.Episodes)
                    Report(o, episode, rounds, round, lossSum / Math.Max(1, lossCount), null, best, false, clock);
                if (outOfTime)
                {
                    _context.WriteLog(MessageSeverity.Info, "FewShot",
                        $"time budget of {o.MaxMinutes:0.##} min reached: stopped after episode {episode} of {o.Episodes}");
                    model.Metrics["episodes_trained"] = episode;
                    break;
                }
            }
            if (bestState != null) encoder.LoadStateDict(bestState);
            encoder.Eval();
            model.SetCenter(simple ? ComputeCenter(model, set) : null);
            FixEmbeddingStatistics(model, set, seed);
            if (best != null) model.Metrics["val_accuracy"] = best.Value;
        }
        finally
        {
            DisposeState(bestState);
            model.Encoder.Eval();
        }
    }

    private static bool HasGroups(FewShotSet set, int ways) =>
        set.ClassGroups.GroupBy(g => g, StringComparer.Ordinal).Any(g => g.Count() >= ways);

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state == null) return;
        foreach (var t in state.Values) t.Dispose();
    }

    // MAML-style meta-models adapt with batch statistics; their Embedding column uses population statistics of (a seeded
    // sample of) the training rows under the final weights instead, so that each row is embedded on its own.
    private void FixEmbeddingStatistics(FewShotModel model, FewShotSet set, int seed)
    {
        if (!model.EmbeddingDependsOnBatch) return;
        using var scope = torch.NewDisposeScope();
        var pick = FewShotModel.Sample(set.RowCount, seed) ?? Enumerable.Range(0, set.RowCount).ToArray();
        model.FixEmbeddingStatistics(set.Rows(pick));
        _context.WriteLog(MessageSeverity.Info, "FewShot", $"embedding batch-norm statistics fixed from {pick.Length} training rows");
    }

    private static Tensor ComputeCenter(FewShotModel model, FewShotSet set)
    {
        using var scope = torch.NewDisposeScope();
        int n = Math.Min(set.RowCount, 4096);
        var rows = Enumerable.Range(0, set.RowCount).Where((_, i) => i % Math.Max(1, set.RowCount / n) == 0).ToArray();
        return model.Embed(set.Rows(rows)).Mean(0).MoveToOuterDisposeScope();
    }

    private static Tensor Input(FewShotOptions o, FewShotSet set, int[] rows, Random random)
    {
        var x = set.Rows(rows);
        return o.AffineJitter ? FewShotAugment.AffineJitter(x, random) : x;
    }

    private static double SupervisedStep(FewShotOptions o, FewShotEncoder encoder, Linear classifier, FewShotSet set, Random random, Device device)
    {
        var rows = set.RandomRows(Math.Min(o.BatchSize, set.RowCount), random);
        var y = Tensor.From(rows.Select(r => (long)set.RowClass[r]).ToArray()).To(device);
        var loss = Functional.CrossEntropy(classifier.Forward(encoder.Forward(Input(o, set, rows, random))), y);
        loss.Backward();
        return loss.Item<float>();
    }

    private static double EpisodeStep(FewShotOptions o, FewShotEncoder encoder, FewShotSet set, EpisodeSampler sampler, Random random, Device device)
    {
        double total = 0;
        var ys = FewShotMethods.EpisodeLabels(o.Ways, o.Shots, device);
        var yq = FewShotMethods.EpisodeLabels(o.Ways, o.Queries, device);
        var parameters = encoder.Parameters().ToList();
        for (int t = 0; t < o.MetaBatchSize; t++)
        {
            var ep = sampler.Next();
            var xs = Input(o, set, ep.Support, random);
            var xq = Input(o, set, ep.Query, random);
            Tensor loss;
            double? reported = null;
            switch (o.Algorithm)
            {
                case FewShotAlgorithm.ProtoNet:
                {
                    // One forward pass over support and query keeps batch-norm statistics shared, as in the reference method.
                    var emb = encoder.Forward(torch.Cat([xs, xq]));
                    var protos = FewShotMethods.Prototypes(emb.Narrow(0, 0, xs.Size(0)), o.Ways);
                    var logits = FewShotMethods.ProtoLogits(emb.Narrow(0, xs.Size(0), xq.Size(0)), protos, o.Distance, o.CosineScale);
                    loss = Functional.CrossEntropy(logits, yq);
                    break;
                }
                case FewShotAlgorithm.Maml:
                case FewShotAlgorithm.FoMaml:
                {
                    var start = FewShotMethods.StartWeights(o, encoder, xs, ys, o.Ways, parameters, differentiableHead: true, device);
                    var fast = FewShotMethods.Adapt(encoder, xs, ys, start, o.InnerSteps, o.InnerLearningRate, createGraph: o.Algorithm == FewShotAlgorithm.Maml,
                        retainGraph: o.HeadInit == FewShotHeadInit.Prototypes);
                    // The query batch's own statistics (transductive), or, when asked, the support's under the adapted weights.
                    var statistics = o.SupportStatisticsTraining ? FewShotMethods.SupportStatistics(encoder, xs, fast) : null;
                    loss = Functional.CrossEntropy(FewShotMethods.FastLogits(encoder, xq, fast, statistics), yq);
                    break;
                }
                case FewShotAlgorithm.Reptile:
                {
                    var start = FewShotMethods.StartWeights(o, encoder, xs, ys, o.Ways,
                        parameters.Select(p => p.Detach().Clone().RequiresGrad_()).ToList(), differentiableHead: false, device);
                    var x = torch.Cat([xs, xq]);
                    var y = torch.Cat([ys, yq]);
                    var fast = FewShotMethods.Adapt(encoder, x, y, start, o.InnerSteps, o.InnerLearningRate, createGraph: false);
                    // Pseudo-loss whose gradient is (initialisation - adapted weights); averaged over the meta-batch, a step of SGD at ε
                    // moves the initialisation ε of the way to the mean adapted weights (or Adam moves it towards them).
                    loss = parameters.Select((p, i) => (p - fast[i].Detach()).Square().Sum() * 0.5).Aggregate((a, b) => a + b);
                    // Reported loss: the adapted weights' loss on the task's query rows.
                    using (torch.NoGrad())
                        reported = Functional.CrossEntropy(FewShotMethods.FastLogits(encoder, xq, fast), yq).Item<float>();
                    break;
                }
                default:
                    throw new ArgumentException($"unknown algorithm {o.Algorithm}");
            }
            (loss / o.MetaBatchSize).Backward();
            total += reported ?? loss.Item<float>();
        }
        return total / o.MetaBatchSize;
    }

    private void Report(FewShotOptions o, int episode, int rounds, int round, double loss, double? metric, double? best, bool validation, Stopwatch clock)
    {
        if (Progress == null) return;
        var elapsed = clock.Elapsed;
        Progress.Report(new TrainingProgress
        {
            Epoch = round,
            Epochs = rounds,
            Step = episode,
            TotalSteps = o.Episodes,
            Loss = loss,
            MetricName = "val_accuracy",
            Metric = metric,
            BestMetric = best,
            IsValidation = validation,
            Elapsed = elapsed,
            Eta = TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(o.Episodes - episode) / episode)),
        });
    }
}

/// <summary>Catalog entry of the few-shot classifier.</summary>
public static class FewShotCatalog
{
    /// <summary>A few-shot classifier trainer (ProtoNet by default) with these options.</summary>
    public static FewShotTrainer FewShotClassifier(this MLExtContext context, FewShotOptions? options = null) => new(context, options);
}
