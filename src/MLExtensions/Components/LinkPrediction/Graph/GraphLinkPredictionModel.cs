using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// A fitted homogeneous link predictor: the node graph (names, raw features, message-passing edges) and a trained
/// <see cref="GraphLinkNetwork"/>. <see cref="Transform"/> appends <c>Score</c> (higher = more plausible) and
/// <c>Probability</c> (σ(Score)) to (source, target) rows; <see cref="PredictTargets"/> answers top-k queries;
/// <see cref="Evaluate"/> runs the filtered ranking protocol. <see cref="WithNodes"/> gives a model over a larger
/// graph — new nodes embedded from their features and the edges known at scoring time (the inductive case). Node
/// representations are computed once per graph and reused; the model is safe to share for reading.
/// </summary>
/// <remarks>
/// Model file (component <see cref="ComponentName"/>, version 1): model.json holds the options, the maps "nodes"
/// (id = position) and "feature_columns", and metrics; weights.safetensors holds the network (with the
/// standardisation buffers <c>feature_mean</c>/<c>feature_std</c>) and the graph: <c>graph.src</c>,
/// <c>graph.dst</c> (edges) and <c>graph.features</c> (raw features of the nodes).
/// </remarks>
public sealed class GraphLinkPredictionModel : ITransformer
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "GraphLinkPredictor";
    /// <summary>The component version this build writes.</summary>
    public const int ComponentVersion = 1;
    private const int ScoringBatchSize = 4096;

    private readonly bool _ownsNetwork;
    private readonly object _gate = new();
    private Tensor? _embeddings;

    internal GraphLinkPredictionModel(GraphLinkPredictionOptions options, NodeGraph graph, GraphLinkNetwork network, bool ownsNetwork)
    {
        Options = options;
        Graph = graph;
        Network = network;
        _ownsNetwork = ownsNetwork;
        Network.Eval();
    }

    /// <summary>The options the model was trained with.</summary>
    public GraphLinkPredictionOptions Options { get; }
    /// <summary>The graph the model scores over (the training graph, plus nodes and edges added by <see cref="WithNodes"/>).</summary>
    public NodeGraph Graph { get; }
    /// <summary>The trained network.</summary>
    public GraphLinkNetwork Network { get; }
    /// <summary>Metrics saved with the model (validation MRR at fit).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A model over this graph plus <paramref name="nodes"/> (new nodes with their features; the model must have been
    /// trained with node features) and <paramref name="edges"/> (links known at scoring time, between any nodes). The
    /// new model shares this one's network: dispose it before this one.
    /// </summary>
    public GraphLinkPredictionModel WithNodes(NodeFeatures? nodes, EdgeList? edges = null)
    {
        var model = new GraphLinkPredictionModel(Options, Graph.Extend(nodes, edges), Network, ownsNetwork: false);
        foreach (var kv in Metrics) model.Metrics[kv.Key] = kv.Value;
        return model;
    }

    /// <summary>The node representations [nodes, Dim] of the current graph (computed once).</summary>
    public Tensor NodeEmbeddings()
    {
        lock (_gate)
        {
            if (_embeddings != null) return _embeddings;
            var device = Network.Parameters().First().Device;
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.NoGrad();
            var (src, dst) = Graph.DirectedEdges(device);
            var z = Network.Embed(Graph.FeatureTensor(device), src, dst, torch.Ones([src.Size(0)], device: device));
            _embeddings = z.MoveToOuterDisposeScope().DetachFromDisposeScope();
            return _embeddings;
        }
    }

    internal static DataSchema OutputSchema(GraphLinkPredictionOptions options, DataSchema inputSchema)
    {
        inputSchema.Require(options.SourceColumnName, ColumnKind.Text);
        inputSchema.Require(options.TargetColumnName, ColumnKind.Text);
        return new DataSchema(inputSchema.Append(new ColumnSchema("Score", ColumnKind.Float)).Append(new ColumnSchema("Probability", ColumnKind.Float)));
    }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema) => OutputSchema(Options, inputSchema);

    /// <inheritdoc />
    public DataBatch Transform(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        var s = input.GetColumn<TextColumn>(Options.SourceColumnName);
        var t = input.GetColumn<TextColumn>(Options.TargetColumnName);
        var scores = ScoreEdges(Enumerable.Range(0, input.RowCount).Select(i => (s[i], t[i])).ToArray());
        var probabilities = scores.Select(x => (float)(1.0 / (1.0 + Math.Exp(-x)))).ToArray();
        return input.Append(new FloatColumn("Score", scores), new FloatColumn("Probability", probabilities));
    }

    /// <summary>The score of each (source, target) pair; a node not in the graph raises an error naming it and its row.</summary>
    public float[] ScoreEdges(IReadOnlyList<(string Source, string Target)> pairs)
    {
        var u = new long[pairs.Count];
        var v = new long[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            u[i] = Require(pairs[i].Source, $"row {i + 1}");
            v[i] = Require(pairs[i].Target, $"row {i + 1}");
        }
        var z = NodeEmbeddings();
        var result = new float[pairs.Count];
        using var noGrad = torch.NoGrad();
        for (int start = 0; start < u.Length; start += ScoringBatchSize)
        {
            int n = Math.Min(ScoringBatchSize, u.Length - start);
            using var scope = torch.NewDisposeScope();
            var s = Network.Score(z, GraphLinkRanker.Ids(u, start, n, z.Device), GraphLinkRanker.Ids(v, start, n, z.Device));
            s.Cpu().ToArray<float>().CopyTo(result.AsSpan(start, n));
        }
        return result;
    }

    /// <summary>The score of one pair.</summary>
    public float Score(string source, string target) => ScoreEdges([(source, target)])[0];

    private long Require(string name, string where)
    {
        long id = Graph.NodeId(name);
        return id >= 0 ? id : throw new ArgumentException($"{where}: {Graph.UnknownNode(name)}");
    }

    /// <summary>
    /// The <paramref name="k"/> best partners of each node in <paramref name="sources"/>, best first, leaving out the
    /// node itself and, with <paramref name="excludeKnown"/>, its neighbours in the graph (so the list shows new links).
    /// </summary>
    public IReadOnlyList<RankedEntity[]> PredictTargets(IReadOnlyList<string> sources, int k, bool excludeKnown = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var ids = sources.Select((s, i) => Require(s, $"query {i + 1}")).ToArray();
        var neighbours = new GraphLinkRanker(Graph, [(Graph.Sources, Graph.Targets)], Options.EvaluationBatchSize);
        var z = NodeEmbeddings();
        k = Math.Min(k, Graph.NodeCount);
        var result = new List<RankedEntity[]>(ids.Length);
        using var noGrad = torch.NoGrad();
        for (int start = 0; start < ids.Length; start += Options.EvaluationBatchSize)
        {
            int n = Math.Min(Options.EvaluationBatchSize, ids.Length - start);
            using var scope = torch.NewDisposeScope();
            var scores = Network.ScoreAll(z, GraphLinkRanker.Ids(ids, start, n, z.Device));
            var hidden = Enumerable.Range(start, n)
                .Select(i => (excludeKnown ? neighbours.NeighboursOf(ids[i]) : []).Append(ids[i]).ToArray()).ToList();
            scores = scores.MaskedFill(OneToNBceLoss.MultiHot(hidden, Graph.NodeCount, z.Device).Bool(), double.NegativeInfinity);
            var (values, indices) = scores.TopK(k, 1);
            var vals = values.Cpu().ToArray<float>();
            var ix = indices.Cpu().ToArray<long>();
            for (int i = 0; i < n; i++)
            {
                var row = new List<RankedEntity>(k);
                for (int j = 0; j < k; j++)
                    if (!float.IsNegativeInfinity(vals[i * k + j]))
                        row.Add(new RankedEntity(row.Count + 1, Graph.Nodes[(int)ix[i * k + j]], vals[i * k + j]));
                result.Add(row.ToArray());
            }
        }
        return result;
    }

    /// <summary>
    /// Filtered ranking of the edges <paramref name="test"/> (both ends; ties = mean rank) over the current graph,
    /// removing the graph's own edges, those of <paramref name="filters"/> and the test edges themselves from the
    /// candidates. Test edges naming a node not in the graph are skipped and counted, or refused with
    /// <paramref name="skipUnknown"/> false.
    /// </summary>
    public LinkPredictionMetrics Evaluate(EdgeList test, IEnumerable<EdgeList>? filters = null, bool skipUnknown = true)
    {
        var (s, t, skipped) = Graph.Encode(test, skipUnknown);
        var known = new List<(long[], long[])> { (Graph.Sources, Graph.Targets), (s, t) };
        foreach (var f in filters ?? [])
        {
            var (fs, ft, _) = Graph.Encode(f, skipUnknown: true);
            known.Add((fs, ft));
        }
        var ranker = new GraphLinkRanker(Graph, known, Options.EvaluationBatchSize);
        return ranker.Evaluate(Network, NodeEmbeddings(), s, t, skipped);
    }

    /// <inheritdoc />
    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName, ComponentVersion) { ParameterCount = Network.ParameterCount() };
        manifest.SetOptions(Options);
        manifest.Maps["nodes"] = Graph.Nodes.ToArray();
        if (Graph.FeatureColumns != null) manifest.Maps["feature_columns"] = Graph.FeatureColumns.ToArray();
        foreach (var kv in Metrics) manifest.Metrics[kv.Key] = kv.Value;
        using var scope = torch.NewDisposeScope();
        var weights = Network.StateDict();
        weights["graph.src"] = Tensor.From(Graph.Sources, Graph.EdgeCount);
        weights["graph.dst"] = Tensor.From(Graph.Targets, Graph.EdgeCount);
        if (Graph.FeatureTensor(Device.CPU) is { } x) weights["graph.features"] = x;
        ModelFile.Save(path, manifest, weights);
    }

    /// <summary>Rebuilds a model from a model file's content (registered with <see cref="ModelComponentRegistry"/>).</summary>
    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var m = model.Manifest;
        var options = m.GetOptions<GraphLinkPredictionOptions>();
        var nodes = m.GetMap("nodes").ToArray();
        var columns = m.Maps.TryGetValue("feature_columns", out var c) ? c : null;
        float[]? features = columns is null ? null : model.GetWeight("graph.features").Cpu().ToArray<float>();
        var graph = new NodeGraph(nodes, columns, features,
            model.GetWeight("graph.src").Cpu().ToArray<long>(), model.GetWeight("graph.dst").Cpu().ToArray<long>());
        var network = new GraphLinkNetwork(options, nodes.Length, columns?.Count ?? 0);
        try
        {
            network.LoadStateDict(model.Weights.Where(kv => !kv.Key.StartsWith("graph.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value));
            var device = context.ResolveDevice();
            if (device != Device.CPU) network.To(device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var result = new GraphLinkPredictionModel(options, graph, network, ownsNetwork: true);
        foreach (var kv in m.Metrics) result.Metrics[kv.Key] = kv.Value;
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _embeddings?.Dispose();
        if (_ownsNetwork) Network.Dispose();
    }
}
