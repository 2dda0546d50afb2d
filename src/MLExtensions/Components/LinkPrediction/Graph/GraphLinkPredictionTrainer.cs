using System.Globalization;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.Optim;
using MLExtensions.Training;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Trains a link predictor on a homogeneous graph — (source, target) edges, undirected, with an optional node-feature
/// table — with a GraphSAGE or GCN encoder (<see cref="GraphNodeEncoder"/>) and a dot-product or DistMult decoder.
/// Each step encodes the whole graph with the step's edges hidden from message passing, scores them against random
/// corruptions (<see cref="SelfAdversarialNegativeSamplingLoss"/>) and takes an AdamW step; with validation edges it
/// stops early on filtered validation MRR, keeping the best weights. With node features the model embeds nodes it
/// never saw from their features and edges (<see cref="GraphLinkPredictionModel.WithNodes"/>).
/// </summary>
public sealed class GraphLinkPredictionTrainer : IEstimator<GraphLinkPredictionModel>
{
    private readonly MLExtContext _context;

    /// <summary>Creates a trainer; <paramref name="context"/> gives the seed, the device and the log.</summary>
    public GraphLinkPredictionTrainer(MLExtContext context, GraphLinkPredictionOptions? options = null)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? new GraphLinkPredictionOptions();
    }

    /// <summary>The options.</summary>
    public GraphLinkPredictionOptions Options { get; }

    /// <summary>The outcome of the last fit (epochs, losses, best validation).</summary>
    public TrainingResult? LastResult { get; private set; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema) => GraphLinkPredictionModel.OutputSchema(Options, inputSchema);

    /// <summary>Trains on a batch with source and target text columns (no node features, no validation).</summary>
    public GraphLinkPredictionModel Fit(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        var s = input.GetColumn<TextColumn>(Options.SourceColumnName);
        var t = input.GetColumn<TextColumn>(Options.TargetColumnName);
        return Fit(EdgeList.From(Enumerable.Range(0, input.RowCount).Select(i => (s[i], t[i])), "input"));
    }

    /// <summary>
    /// Trains on the edges <paramref name="train"/> with node <paramref name="features"/> (null: a learned vector per
    /// node, transductive). With <paramref name="valid"/>, validates each epoch (filtered MRR, both ends) and stops
    /// early; validation edges naming a node that is not in the training graph are skipped and counted in the log.
    /// </summary>
    public GraphLinkPredictionModel Fit(EdgeList train, NodeFeatures? features = null, EdgeList? valid = null,
                                        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var o = Options;
        o.Validate();
        var graph = NodeGraph.Build(train, features);
        if (train.DuplicatesDropped > 0)
            _context.WriteLog(MessageSeverity.Info, "LinkPrediction", $"{train.Source}: {train.DuplicatesDropped} repeated edge(s) dropped");
        var device = _context.ResolveDevice();
        long[]? validSources = null, validTargets = null;
        if (valid != null)
        {
            var (vs, vt, skipped) = graph.Encode(valid, skipUnknown: true);
            if (skipped > 0)
                _context.WriteLog(MessageSeverity.Info, "LinkPrediction", $"{valid.Source}: {skipped} edge(s) name a node not in the training graph and are not validated on");
            if (vs.Length > 0) (validSources, validTargets) = (vs, vt);
        }

        torch.ManualSeed(unchecked((ulong)_context.NextSeed()));
        var network = new GraphLinkNetwork(o, graph.NodeCount, graph.FeatureColumns?.Count ?? 0);
        try
        {
            if (device != Device.CPU) network.To(device);
            using var x = graph.FeatureTensor(device);
            if (x != null) network.SetStandardisation(x);
            var (src, dst) = graph.DirectedEdges(device);
            using var srcScope = src;
            using var dstScope = dst;
            using var optimizer = new AdamW(network.Parameters(), o.LearningRate, weightDecay: o.WeightDecay);
            using var generator = new Generator(unchecked((ulong)_context.NextSeed()), device);
            var loss = new SelfAdversarialNegativeSamplingLoss(o.AdversarialTemperature);
            int m = graph.EdgeCount;
            var order = Enumerable.Range(0, m).ToArray();
            int steps = (m + o.BatchSize - 1) / o.BatchSize;
            var ranker = validSources is null ? null
                : new GraphLinkRanker(graph, [(graph.Sources, graph.Targets), (validSources, validTargets!)], o.EvaluationBatchSize);

            var loopOptions = new TrainingLoopOptions
            {
                Epochs = o.Epochs,
                StepsPerEpoch = steps,
                MetricName = "val_mrr",
                ValidateEveryEpochs = o.ValidateEveryEpochs,
                Progress = progress,
                ReportEverySteps = Math.Max(1, steps / 10),
                EarlyStopping = ranker != null && o.EarlyStoppingPatience > 0
                    ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience, MinEpochs = o.EarlyStoppingMinEpochs, Maximize = true }
                    : null,
            };
            Func<int, double>? validate = ranker is null ? null : _ =>
            {
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.NoGrad();
                network.Eval();
                var z = network.Embed(x, src, dst, torch.Ones([2L * m], device: device));
                var mrr = ranker.Evaluate(network, z, validSources!, validTargets!, 0).Mrr;
                network.Train();
                return mrr;
            };
            LastResult = new TrainingLoop(loopOptions, _context).Run(s =>
            {
                if (s.Step == 1) _context.Random.Shuffle(order);
                int start = (s.Step - 1) * o.BatchSize, n = Math.Min(o.BatchSize, m - start);
                var rows = order.AsSpan(start, n).ToArray();
                var rowIds = Tensor.From(rows.Select(r => (long)r).ToArray(), n).To(device);
                var weight = torch.Ones([2L * m], device: device);
                if (o.HideScoredEdges)
                    weight = weight.IndexPut_([torch.Cat([rowIds, rowIds + m])], torch.Zeros([2L * n], device: device));
                if (o.ColdStartFraction > 0 && x != null)
                {
                    var cold = torch.Rand([graph.NodeCount], generator, device: device).Lt(o.ColdStartFraction);
                    weight = weight.MaskedFill(cold.IndexSelect(0, dst), 0.0);
                }
                var z = network.Embed(x, src, dst, weight);
                var u = src.IndexSelect(0, rowIds);
                var v = dst.IndexSelect(0, rowIds);
                var (nu, nv) = Corrupt(u, v, graph.NodeCount, o.NegativesPerPositive, generator);
                var total = loss.Compute(network.Score(z, u, v), network.Score(z, nu, nv));
                total.Backward();
                optimizer.Step();
                optimizer.ZeroGrad();
                return total.Item<float>();
            }, validate, network, cancellationToken);

            var model = new GraphLinkPredictionModel(o, graph, network, ownsNetwork: true);
            if (LastResult.BestMetric is { } best) model.Metrics["valid_mrr"] = best;
            else if (LastResult.History.Count > 0 && LastResult.History[^1].Metric is { } last) model.Metrics["valid_mrr"] = last;
            var featureNote = graph.FeatureColumns is null ? " (no node features)" : $" with {graph.FeatureColumns.Count} features";
            _context.WriteLog(MessageSeverity.Info, "LinkPrediction", string.Create(CultureInfo.InvariantCulture,
                $"trained {o.Encoder} ({o.Decoder}) on {m} edges, {graph.NodeCount} nodes{featureNote} in {LastResult.Epochs} epoch(s), {LastResult.Elapsed.TotalSeconds:F1} s"));
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    // K corruptions per positive (u, v): one end, chosen with probability ½, replaced by a uniformly drawn node. [B, K] each.
    private static (Tensor U, Tensor V) Corrupt(Tensor u, Tensor v, long nodeCount, int k, Generator generator)
    {
        long b = u.Size(0);
        var random = torch.Randint(0, nodeCount, [b, k], generator, device: u.Device);
        var left = torch.Rand([b, k], generator, device: u.Device).Lt(0.5);
        var ue = u.Unsqueeze(1).Expand(b, k);
        var ve = v.Unsqueeze(1).Expand(b, k);
        return (torch.Where(left, random, ue), torch.Where(left, ve, random));
    }
}
