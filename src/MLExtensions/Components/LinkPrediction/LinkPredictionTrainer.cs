using System.Globalization;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Trains a knowledge-graph embedding model on (head, relation, tail) triples — the pipeline that puts the separate
/// pieces together: id maps, decoder (<see cref="KgeModel"/>, optionally with reciprocal relations), loss
/// (<see cref="OneToNBceLoss"/>, <see cref="OneVsAllCrossEntropyLoss"/> or <see cref="SelfAdversarialNegativeSamplingLoss"/>
/// with <see cref="UniformNegativeSampler"/>), regulariser (<see cref="KgeRegularizer"/>), AdamW or Adagrad, the <see cref="TrainingLoop"/> with early stopping on filtered validation
/// MRR (<see cref="FilteredRankingEvaluator"/>, best weights kept) and progress.
/// </summary>
public sealed class LinkPredictionTrainer : IEstimator<LinkPredictionModel>
{
    private readonly MLExtContext _context;

    /// <summary>Creates a trainer; <paramref name="context"/> gives the seed, the device and the log.</summary>
    public LinkPredictionTrainer(MLExtContext context, LinkPredictionOptions? options = null)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? new LinkPredictionOptions();
    }

    /// <summary>The options.</summary>
    public LinkPredictionOptions Options { get; }

    /// <summary>The outcome of the last <see cref="Fit(LabeledTriples, LabeledTriples?, IProgress{TrainingProgress}?, CancellationToken)"/> (epochs, losses, best validation).</summary>
    public TrainingResult? LastResult { get; private set; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        inputSchema.Require(Options.HeadColumnName, ColumnKind.Text);
        inputSchema.Require(Options.RelationColumnName, ColumnKind.Text);
        inputSchema.Require(Options.TailColumnName, ColumnKind.Text);
        return new DataSchema(inputSchema.Append(new ColumnSchema("Score", ColumnKind.Float)).Append(new ColumnSchema("Probability", ColumnKind.Float)));
    }

    /// <summary>Trains on a batch with head, relation and tail text columns (no validation, no early stopping).</summary>
    public LinkPredictionModel Fit(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        var h = input.GetColumn<TextColumn>(Options.HeadColumnName);
        var r = input.GetColumn<TextColumn>(Options.RelationColumnName);
        var t = input.GetColumn<TextColumn>(Options.TailColumnName);
        var triples = new LabeledTriple[input.RowCount];
        for (int i = 0; i < triples.Length; i++) triples[i] = new LabeledTriple(h[i], r[i], t[i]);
        return Fit(new LabeledTriples(triples, "input"));
    }

    /// <summary>
    /// Trains on <paramref name="train"/>; with <paramref name="valid"/>, validates (filtered MRR, filtering with train
    /// and valid) and stops early keeping the best weights. Validation triples with unseen entities are skipped.
    /// </summary>
    public LinkPredictionModel Fit(LabeledTriples train, LabeledTriples? valid = null, IProgress<TrainingProgress>? progress = null,
                                   CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = Options;
        o.Validate();
        var maps = KgIdMaps.Build(train);
        var (trainIds, _) = maps.Encode(train);
        if (train.DuplicatesDropped > 0)
            _context.WriteLog(MessageSeverity.Info, "LinkPrediction", $"{train.Source}: {train.DuplicatesDropped} repeated triple(s) dropped");
        var device = _context.ResolveDevice();
        var trainIndex = new TripleIndex(maps.RelationCount, trainIds);

        TripleIds? validIds = null;
        FilteredRankingEvaluator? evaluator = null;
        if (valid != null)
        {
            var (ids, skipped) = maps.Encode(valid, UnknownTriples.Skip);
            if (skipped > 0)
                _context.WriteLog(MessageSeverity.Info, "LinkPrediction",
                    $"{valid.Source}: {skipped} triple(s) name an entity or relation not in the training triples and are not validated on");
            evaluator = new FilteredRankingEvaluator(new TripleIndex(maps.RelationCount, trainIds, ids), o.EvaluationBatchSize);
            if (o.ValidationMaxTriples > 0 && ids.Count > o.ValidationMaxTriples)
            {
                var rows = Enumerable.Range(0, ids.Count).ToArray();
                new Random(_context.Seed ?? 0).Shuffle(rows);
                ids = ids.Subset(rows.Take(o.ValidationMaxTriples).Order().ToArray());
            }
            validIds = ids.Count > 0 ? ids : null;
        }

        var network = KgeModels.Create(o, maps.EntityCount, maps.RelationCount, trainIds);
        try
        {
            if (device != Device.CPU) network.To(device);
            bool rowwise = o.Mode == LinkPredictionTrainingMode.NegativeSampling && o.RowwiseEntityUpdates && network.Encoder is null
                           && o.Optimizer == KgeOptimizer.AdamW;
            using var entityOptimizer = rowwise ? new RowwiseAdamW(network.EntityWeight, o.LearningRate, o.WeightDecay) : null;
            var parameters = network.NamedParameters().Where(p => !rowwise || p.Name != "entity").Select(p => p.Parameter);
            using Optimizer optimizer = o.Optimizer == KgeOptimizer.Adagrad
                ? new Adagrad(parameters, o.LearningRate, o.WeightDecay)
                : new AdamW(parameters, o.LearningRate, weightDecay: o.WeightDecay);
            using var generator = new Generator(unchecked((ulong)_context.NextSeed()), device);
            var step = o.Mode switch
            {
                LinkPredictionTrainingMode.OneToN => OneToNSteps(network, trainIndex, maps, device),
                LinkPredictionTrainingMode.OneVsAll => OneVsAllSteps(network, trainIds, device),
                _ => NegativeSamplingSteps(network, trainIds, generator, device, entityOptimizer),
            };

            var loopOptions = new TrainingLoopOptions
            {
                Epochs = o.Epochs,
                StepsPerEpoch = step.StepsPerEpoch,
                MetricName = "val_mrr",
                ValidateEveryEpochs = o.ValidateEveryEpochs,
                Progress = progress,
                ReportEverySteps = Math.Max(1, step.StepsPerEpoch / 20),
                MaxDuration = o.MaxTrainingMinutes > 0 ? TimeSpan.FromMinutes(o.MaxTrainingMinutes) : null,
                EarlyStopping = validIds != null && o.EarlyStoppingPatience > 0
                    ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience, MinEpochs = o.EarlyStoppingMinEpochs, Maximize = true }
                    : null,
            };
            Func<int, double>? validate = validIds is null ? null : _ => evaluator!.Evaluate(network, validIds, maps.Relations).Mrr;
            LastResult = new TrainingLoop(loopOptions, _context).Run(s =>
            {
                double loss = step.Run(s.Step);
                optimizer.Step();
                optimizer.ZeroGrad();
                return loss;
            }, validate, network, cancellationToken);

            var model = new LinkPredictionModel(maps, o, network);
            if (LastResult.BestMetric is { } best) model.Metrics["valid_mrr"] = best;
            else if (LastResult.History.Count > 0 && LastResult.History[^1].Metric is { } last) model.Metrics["valid_mrr"] = last;
            _context.WriteLog(MessageSeverity.Info, "LinkPrediction",
                $"trained {(o.Encoder == EntityEncoderKind.None ? "" : o.Encoder.ToString().ToLowerInvariant() + "-")}{KgeModels.NameOf(o.Model)} on {trainIds.Count} triples ({maps.EntityCount} entities, {maps.RelationCount} relations) " +
                $"in {LastResult.Epochs} epoch(s), {LastResult.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>One epoch's worth of steps: how many, and what one step does (forward + backward; returns the loss).</summary>
    private sealed record EpochSteps(int StepsPerEpoch, Func<int, double> Run);

    private static Tensor Ids(long[] values, Device device)
    {
        var t = Tensor.From(values, values.Length);
        return device == Device.CPU ? t : t.To(device);
    }

    // The training triples in a new random order each epoch, cut into batches of BatchSize: step s (1-based) takes the s-th.
    private sealed class Batches(TripleIds train, int batchSize, Random random, Device device)
    {
        private readonly int[] _order = Enumerable.Range(0, train.Count).ToArray();

        public int Steps { get; } = (train.Count + batchSize - 1) / batchSize;

        public (Tensor Heads, Tensor Relations, Tensor Tails, int Count) Take(int step)
        {
            if (step == 1) random.Shuffle(_order);
            int start = (step - 1) * batchSize, n = Math.Min(batchSize, train.Count - start);
            var rows = _order.AsSpan(start, n).ToArray();
            return (Ids(rows.Select(i => train.Heads[i]).ToArray(), device), Ids(rows.Select(i => train.Relations[i]).ToArray(), device),
                    Ids(rows.Select(i => train.Tails[i]).ToArray(), device), n);
        }
    }

    private Batches TripleBatches(TripleIds train, Device device) => new(train, Options.BatchSize, _context.Random, device);

    // 1-N: every distinct (h, r, ?) and (?, r, t) query of the training set, shuffled each epoch.
    private EpochSteps OneToNSteps(KgeModel network, TripleIndex index, KgIdMaps maps, Device device)
    {
        var o = Options;
        var queries = index.TailQueries().Select(q => (q.Entity, q.Relation, Tails: true))
            .Concat(index.HeadQueries().Select(q => (q.Entity, q.Relation, Tails: false))).ToArray();
        var order = Enumerable.Range(0, queries.Length).ToArray();
        var loss = new OneToNBceLoss(o.LabelSmoothing);
        int steps = (queries.Length + o.BatchSize - 1) / o.BatchSize;
        return new EpochSteps(steps, step =>
        {
            if (step == 1) _context.Random.Shuffle(order);
            int start = (step - 1) * o.BatchSize, n = Math.Min(o.BatchSize, queries.Length - start);
            var parts = new List<Tensor>();
            var lossSum = (Tensor?)null;
            using var shared = network.ShareEntityTable(); // one encoder pass for the step's tail and head queries
            foreach (bool tails in new[] { true, false })
            {
                var batch = order.Skip(start).Take(n).Select(i => queries[i]).Where(q => q.Tails == tails).ToArray();
                if (batch.Length == 0) continue;
                var e = Ids(batch.Select(q => q.Entity).ToArray(), device);
                var r = Ids(batch.Select(q => q.Relation).ToArray(), device);
                var scores = tails ? network.ScoreTails(e, r) : network.ScoreHeads(r, e);
                var answers = batch.Select(q => tails ? index.TailsOf(q.Entity, q.Relation) : index.HeadsOf(q.Relation, q.Entity)).ToList();
                var term = loss.Compute(scores, OneToNBceLoss.MultiHot(answers, maps.EntityCount, device)) * ((double)batch.Length / n);
                var penalty = KgeRegularizer.Penalty(o.Regularization, o.RegularizationWeight,
                                                     network.Factors(e, tails ? r : network.HeadQueryRelations(r)), n);
                if (penalty != null) term = term + penalty;
                lossSum = lossSum is null ? term : lossSum + term;
            }
            lossSum!.Backward();
            return lossSum.Item<float>();
        });
    }

    // 1vsAll: every training triple (shuffled each epoch) gives the queries (h, r, ?) → t and (?, r, t) → h, each
    // against all entities with softmax cross-entropy; the loss is the mean over the 2n queries. The penalty covers
    // each query's three factors (entity, relation as used by the query, answer) over the 2n queries, so that for a
    // reciprocal model both the relation and its inverse are penalised (as in Lacroix et al. 2018's N3).
    private EpochSteps OneVsAllSteps(KgeModel network, TripleIds train, Device device)
    {
        var o = Options;
        var batches = TripleBatches(train, device);
        return new EpochSteps(batches.Steps, step =>
        {
            var (h, r, t, n) = batches.Take(step);
            using var shared = network.ShareEntityTable();
            var total = (OneVsAllCrossEntropyLoss.Compute(network.ScoreTails(h, r), t)
                         + OneVsAllCrossEntropyLoss.Compute(network.ScoreHeads(r, t), h)) * 0.5;
            var factors = network.Factors(torch.Cat([h, t]), r).Concat(network.Factors(torch.Cat([t, h]), network.HeadQueryRelations(r)));
            var penalty = KgeRegularizer.Penalty(o.Regularization, o.RegularizationWeight, factors, 2L * n);
            if (penalty != null) total = total + penalty;
            total.Backward();
            return total.Item<float>();
        });
    }

    // Negative sampling: every training triple against K corruptions, shuffled each epoch; even steps corrupt tails, odd
    // steps heads (one side per batch, broadcast against the kept side). A reciprocal model trains
    // on each triple (h, r, t) and on its inverse (t, r⁻¹, h), so that the inverse relations that score head queries learn.
    // With a row-wise optimizer the batch scores against a leaf copy of the rows it touches, whose gradient then
    // updates just those rows; the optimizer step for them happens here (the dense optimizer steps the rest).
    private EpochSteps NegativeSamplingSteps(KgeModel network, TripleIds train, Generator generator, Device device, RowwiseAdamW? rowwise)
    {
        var o = Options;
        if (network.Reciprocal)
            train = TripleIds.Concat([train, new TripleIds(train.Tails, train.Relations.Select(x => x + network.RelationCount).ToArray(), train.Heads)]);
        var batches = TripleBatches(train, device);
        var sampler = new UniformNegativeSampler(network.EntityCount, o.NegativesPerPositive, generator);
        var loss = new SelfAdversarialNegativeSamplingLoss(o.AdversarialTemperature);
        return new EpochSteps(batches.Steps, step =>
        {
            var (h, r, t, n) = batches.Take(step);
            var (nh, nr, nt) = sampler.Sample(h, r, t, corruptHeads: step % 2 == 1);
            if (rowwise != null)
            {
                // Local ids: positions among the distinct entities of the batch (positives and negatives).
                var all = torch.Cat([h, t, nh.Flatten(), nt.Flatten()]);
                var (ids, inverse) = RowwiseAdamW.Unique(all);
                Tensor touched;
                using (torch.NoGrad()) touched = network.EntityWeight.IndexSelect(0, ids);
                touched.RequiresGrad_();
                long b = n, nhk = nh.NumEl, ntk = nt.NumEl;
                var lh = inverse.Narrow(0, 0, b); var lt = inverse.Narrow(0, b, b);
                var lnh = inverse.Narrow(0, 2 * b, nhk).View(nh.Shape); var lnt = inverse.Narrow(0, 2 * b + nhk, ntk).View(nt.Shape);
                var sparseTotal = loss.Compute(network.ScoreTriplesOn(touched, lh, r, lt), network.ScoreTriplesOn(touched, lnh, nr, lnt));
                var sparsePenalty = KgeRegularizer.Penalty(o.Regularization, o.RegularizationWeight, network.FactorsOn(touched, torch.Cat([lh, lt]), r), n);
                if (sparsePenalty != null) sparseTotal = sparseTotal + sparsePenalty;
                sparseTotal.Backward();
                rowwise.Step(ids, touched.Grad!);
                return sparseTotal.Item<float>();
            }
            using var shared = network.ShareEntityTable();
            var total = loss.Compute(network.ScoreTriples(h, r, t), network.ScoreTriples(nh, nr, nt));
            var penalty = KgeRegularizer.Penalty(o.Regularization, o.RegularizationWeight,
                network.Factors(torch.Cat([h, t]), r), n);
            if (penalty != null) total = total + penalty;
            total.Backward();
            return total.Item<float>();
        });
    }
}
