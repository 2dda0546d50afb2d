using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The graph a homogeneous link predictor embeds: node names (id = position), their raw features (or none), and the
/// undirected edges that carry messages. Built from the training edges at fit, saved with the model, and extended
/// at scoring time with new nodes (their features) and new edges — the inductive case.
/// </summary>
public sealed class NodeGraph
{
    private readonly string[] _names;
    private readonly Dictionary<string, long> _ids;

    internal NodeGraph(string[] names, IReadOnlyList<string>? featureColumns, float[]? features, long[] sources, long[] targets)
    {
        _names = names;
        _ids = new Dictionary<string, long>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
            if (!_ids.TryAdd(names[i], i)) throw new ArgumentException($"node '{names[i]}' appears twice in the node map");
        FeatureColumns = featureColumns;
        Features = features;
        Sources = sources;
        Targets = targets;
    }

    /// <summary>Node names by id.</summary>
    public IReadOnlyList<string> Nodes => _names;
    /// <summary>Number of nodes.</summary>
    public int NodeCount => _names.Length;
    /// <summary>Feature column names, or null for a graph without node features.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; }
    /// <summary>Raw (unstandardised) features [nodes × columns], row-major, or null.</summary>
    public float[]? Features { get; }
    /// <summary>Message-passing edges (undirected; one entry per edge): one end.</summary>
    public long[] Sources { get; }
    /// <summary>The other end.</summary>
    public long[] Targets { get; }
    /// <summary>Number of undirected edges.</summary>
    public int EdgeCount => Sources.Length;

    /// <summary>The id of node <paramref name="name"/>, or -1.</summary>
    public long NodeId(string name) => _ids.TryGetValue(name, out var id) ? id : -1;

    /// <summary>
    /// The graph of <paramref name="edges"/> (and <paramref name="features"/>, when given: its rows are the nodes, in
    /// table order, and every edge end must have a row).
    /// </summary>
    public static NodeGraph Build(EdgeList edges, NodeFeatures? features)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count == 0) throw new ArgumentException($"{edges.Source} holds no edges");
        var empty = new NodeGraph([], features?.Columns, features is null ? null : [], [], []);
        return empty.Extend(features, edges);
    }

    /// <summary>
    /// This graph plus the nodes of <paramref name="newNodes"/> and the edges of <paramref name="newEdges"/>. A graph
    /// with features needs a feature row for every new node; one without refuses new nodes (it could not embed them).
    /// Rows for nodes already in the graph are refused. Edges already present are ignored.
    /// </summary>
    public NodeGraph Extend(NodeFeatures? newNodes, EdgeList? newEdges)
    {
        var names = new List<string>(_names);
        var ids = new Dictionary<string, long>(_ids, StringComparer.Ordinal);
        float[]? features = Features;
        if (newNodes != null && newNodes.Count > 0)
        {
            if (FeatureColumns is null)
                throw new ArgumentException($"{newNodes.Source}: this model was trained without node features, so it cannot embed new nodes from features");
            if (!newNodes.Columns.SequenceEqual(FeatureColumns))
                throw new ArgumentException($"{newNodes.Source}: expected the {FeatureColumns.Count} feature columns the model was trained on " +
                    $"({Describe(FeatureColumns)}), found {newNodes.Columns.Count} ({Describe(newNodes.Columns)})");
            var grown = new float[(long)(names.Count + newNodes.Count) * FeatureColumns.Count];
            Features!.CopyTo(grown, 0);
            for (int i = 0; i < newNodes.Count; i++)
            {
                var id = newNodes.Ids[i];
                if (ids.ContainsKey(id)) throw new ArgumentException($"{newNodes.Source}: node '{id}' is already in the graph");
                newNodes.Row(i).CopyTo(grown.AsSpan(names.Count * FeatureColumns.Count));
                ids[id] = names.Count;
                names.Add(id);
            }
            features = grown;
        }
        var src = new List<long>(Sources);
        var dst = new List<long>(Targets);
        if (newEdges != null)
        {
            var present = new HashSet<(long, long)>();
            for (int i = 0; i < Sources.Length; i++) present.Add(Key(Sources[i], Targets[i]));
            for (int i = 0; i < newEdges.Count; i++)
            {
                var (s, t) = newEdges.Edges[i];
                long a = Node(s, i), b = Node(t, i);
                if (present.Add(Key(a, b))) { src.Add(a); dst.Add(b); }
            }

            long Node(string name, int i)
            {
                if (ids.TryGetValue(name, out var id)) return id;
                if (FeatureColumns != null)
                    throw new ArgumentException($"{newEdges.Where(i)}: node '{name}' has no feature row" +
                        (newNodes is null ? " (give its features with the new nodes)" : $" in {newNodes.Source}"));
                if (_names.Length > 0)
                    throw new ArgumentException($"{newEdges.Where(i)}: unknown node '{name}': this model was trained without node features and cannot embed a node it was not trained on");
                ids[name] = names.Count;
                names.Add(name);
                return names.Count - 1;
            }
        }
        return new NodeGraph(names.ToArray(), FeatureColumns, features, src.ToArray(), dst.ToArray());
    }

    private static (long, long) Key(long a, long b) => a < b ? (a, b) : (b, a);

    private static string Describe(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(6).Select(n => $"'{n}'")) + (names.Count > 6 ? $", ... {names.Count - 6} more" : "");

    /// <summary>
    /// Ids of <paramref name="edges"/>; with <paramref name="skipUnknown"/> edges naming a node not in the graph are
    /// left out and counted, otherwise refused with an error naming the node and the line.
    /// </summary>
    public (long[] Sources, long[] Targets, int Skipped) Encode(EdgeList edges, bool skipUnknown)
    {
        var s = new List<long>(edges.Count); var t = new List<long>(edges.Count);
        int skipped = 0;
        for (int i = 0; i < edges.Count; i++)
        {
            long a = NodeId(edges.Edges[i].Source), b = NodeId(edges.Edges[i].Target);
            if (a < 0 || b < 0)
            {
                if (skipUnknown) { skipped++; continue; }
                throw new ArgumentException($"{edges.Where(i)}: {UnknownNode(a < 0 ? edges.Edges[i].Source : edges.Edges[i].Target)}");
            }
            s.Add(a); t.Add(b);
        }
        return (s.ToArray(), t.ToArray(), skipped);
    }

    /// <summary>The message for a node that is not in the graph.</summary>
    public string UnknownNode(string name) => FeatureColumns is null
        ? $"unknown node '{name}': the model was trained without node features and cannot embed a node it was not trained on"
        : $"unknown node '{name}': add it with its features (and its edges) before scoring it";

    /// <summary>Directed message-passing edges (each undirected edge both ways): src, dst [2·EdgeCount].</summary>
    internal (Tensor Src, Tensor Dst) DirectedEdges(Device device)
    {
        int m = EdgeCount;
        var src = new long[2 * m];
        var dst = new long[2 * m];
        Sources.CopyTo(src, 0); Targets.CopyTo(src, m);
        Targets.CopyTo(dst, 0); Sources.CopyTo(dst, m);
        return (ToDevice(Tensor.From(src, 2 * m), device), ToDevice(Tensor.From(dst, 2 * m), device));
    }

    /// <summary>Raw features [N, F] on <paramref name="device"/>, or null.</summary>
    internal Tensor? FeatureTensor(Device device) =>
        Features is null ? null : ToDevice(Tensor.From(Features, NodeCount, FeatureColumns!.Count), device);

    private static Tensor ToDevice(Tensor t, Device device) => t.Device == device ? t : t.To(device);
}
