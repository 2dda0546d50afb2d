using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// A fitted link predictor: the id maps and a trained <see cref="KgeModel"/>. <see cref="Transform"/> appends
/// <c>Score</c> (the model's raw score, higher = more plausible) and <c>Probability</c> (σ(Score)) to a batch of
/// (head, relation, tail) rows; <see cref="PredictTails"/>/<see cref="PredictHeads"/> answer top-k queries;
/// <see cref="Evaluate"/> runs the filtered ranking protocol. Names the model was not trained on are refused with
/// an error naming them. Scoring runs in batches with no gradient; the model is safe to share for reading.
/// </summary>
/// <remarks>
/// Model file (component <see cref="ComponentName"/>, version 1): model.json holds the options (decoder, Dim,
/// margin, norm and the training settings), maps "entities" and "relations" (id = position) and metrics;
/// weights.safetensors holds <c>entity</c> and <c>relation</c>, and with an encoder its weights and graph (<c>encoder.*</c>).
/// </remarks>
public sealed class LinkPredictionModel : ITransformer
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "GnnLinkPredictor";
    /// <summary>The component version this build writes.</summary>
    public const int ComponentVersion = 1;
    private const int ScoringBatchSize = 4096;

    internal LinkPredictionModel(KgIdMaps maps, LinkPredictionOptions options, KgeModel network)
    {
        Maps = maps;
        Options = options;
        Network = network;
        Network.Eval();
    }

    /// <summary>Entity and relation names by id.</summary>
    public KgIdMaps Maps { get; }
    /// <summary>The options the model was trained with (column names, decoder, sizes).</summary>
    public LinkPredictionOptions Options { get; }
    /// <summary>The trained decoder.</summary>
    public KgeModel Network { get; }
    /// <summary>Metrics saved with the model (validation MRR at fit).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        inputSchema.Require(Options.HeadColumnName, ColumnKind.Text);
        inputSchema.Require(Options.RelationColumnName, ColumnKind.Text);
        inputSchema.Require(Options.TailColumnName, ColumnKind.Text);
        return new DataSchema(inputSchema
            .Append(new ColumnSchema("Score", ColumnKind.Float))
            .Append(new ColumnSchema("Probability", ColumnKind.Float)));
    }

    /// <inheritdoc />
    public DataBatch Transform(DataBatch input)
    {
        GetOutputSchema(input.Schema);
        var heads = input.GetColumn<TextColumn>(Options.HeadColumnName);
        var relations = input.GetColumn<TextColumn>(Options.RelationColumnName);
        var tails = input.GetColumn<TextColumn>(Options.TailColumnName);
        var triples = new LabeledTriple[input.RowCount];
        for (int i = 0; i < triples.Length; i++) triples[i] = new LabeledTriple(heads[i], relations[i], tails[i]);
        var scores = ScoreTriples(triples);
        var probabilities = scores.Select(s => (float)(1.0 / (1.0 + Math.Exp(-s)))).ToArray();
        return input.Append(new FloatColumn("Score", scores), new FloatColumn("Probability", probabilities));
    }

    /// <summary>The score of each triple (higher = more plausible); an unknown name raises an error naming it and its row.</summary>
    public float[] ScoreTriples(IReadOnlyList<LabeledTriple> triples)
    {
        var (ids, _) = Maps.Encode(new LabeledTriples(triples, "input"), UnknownTriples.Error);
        var result = new float[ids.Count];
        var device = Network.EntityWeight.Device;
        using var noGrad = torch.NoGrad();
        using var shared = Network.ShareEntityTable();
        for (int start = 0; start < ids.Count; start += ScoringBatchSize)
        {
            int n = Math.Min(ScoringBatchSize, ids.Count - start);
            using var scope = torch.NewDisposeScope();
            var s = Network.ScoreTriples(Ids(ids.Heads, start, n, device), Ids(ids.Relations, start, n, device), Ids(ids.Tails, start, n, device));
            s.Cpu().ToArray<float>().CopyTo(result.AsSpan(start, n));
        }
        return result;
    }

    /// <summary>The score of one triple.</summary>
    public float Score(string head, string relation, string tail) => ScoreTriples([new LabeledTriple(head, relation, tail)])[0];

    /// <summary>
    /// The <paramref name="k"/> best tails of each (head, relation) query, best first. Answers already in
    /// <paramref name="exclude"/> (for example the training triples) are left out, so the list shows new links.
    /// </summary>
    public IReadOnlyList<RankedEntity[]> PredictTails(IReadOnlyList<(string Head, string Relation)> queries, int k, LabeledTriples? exclude = null) =>
        Predict(queries.Select(q => (q.Head, q.Relation)).ToList(), k, exclude, tails: true);

    /// <summary>The <paramref name="k"/> best heads of each (relation, tail) query, best first (see <see cref="PredictTails"/>).</summary>
    public IReadOnlyList<RankedEntity[]> PredictHeads(IReadOnlyList<(string Relation, string Tail)> queries, int k, LabeledTriples? exclude = null) =>
        Predict(queries.Select(q => (q.Tail, q.Relation)).ToList(), k, exclude, tails: false);

    private List<RankedEntity[]> Predict(List<(string Entity, string Relation)> queries, int k, LabeledTriples? exclude, bool tails)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        k = Math.Min(k, Maps.EntityCount);
        var entity = new long[queries.Count];
        var relation = new long[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            var where = $"query {i + 1}";
            entity[i] = Maps.RequireEntity(queries[i].Entity, where);
            relation[i] = Maps.RequireRelation(queries[i].Relation, where);
        }
        TripleIndex? known = null;
        if (exclude != null) known = new TripleIndex(Maps.RelationCount, Maps.Encode(exclude, UnknownTriples.Skip).Ids);
        var device = Network.EntityWeight.Device;
        var result = new List<RankedEntity[]>(queries.Count);
        const int batch = 256;
        using var noGrad = torch.NoGrad();
        using var shared = Network.ShareEntityTable();
        for (int start = 0; start < queries.Count; start += batch)
        {
            int n = Math.Min(batch, queries.Count - start);
            using var scope = torch.NewDisposeScope();
            var e = Ids(entity, start, n, device);
            var r = Ids(relation, start, n, device);
            var scores = tails ? Network.ScoreTails(e, r) : Network.ScoreHeads(r, e);
            if (known != null)
            {
                var answers = Enumerable.Range(start, n)
                    .Select(i => tails ? known.TailsOf(entity[i], relation[i]) : known.HeadsOf(relation[i], entity[i])).ToList();
                scores = scores.MaskedFill(OneToNBceLoss.MultiHot(answers, Maps.EntityCount, device).Bool(), double.NegativeInfinity);
            }
            var (values, indices) = scores.TopK(k, 1);
            var v = values.Cpu().ToArray<float>();
            var ix = indices.Cpu().ToArray<long>();
            for (int i = 0; i < n; i++)
            {
                var row = new List<RankedEntity>(k);
                for (int j = 0; j < k; j++)
                    if (!float.IsNegativeInfinity(v[i * k + j]))
                        row.Add(new RankedEntity(row.Count + 1, Maps.Entities[(int)ix[i * k + j]], v[i * k + j]));
                result.Add(row.ToArray());
            }
        }
        return result;
    }

    /// <summary>
    /// Filtered ranking of <paramref name="test"/> (both directions; ties = mean rank), removing true triples of
    /// <paramref name="filters"/> and of the test set itself. Test triples naming entities the model does not know
    /// are skipped and counted (<see cref="UnknownTriples.Skip"/>, the default) or refused.
    /// </summary>
    public LinkPredictionMetrics Evaluate(LabeledTriples test, IEnumerable<LabeledTriples> filters, UnknownTriples unknown = UnknownTriples.Skip)
    {
        var (ids, skipped) = Maps.Encode(test, unknown);
        var filterIds = filters.Select(f => Maps.Encode(f, UnknownTriples.Skip).Ids).Append(ids).ToList();
        var evaluator = new FilteredRankingEvaluator(new TripleIndex(Maps.RelationCount, filterIds), Options.EvaluationBatchSize);
        return evaluator.Evaluate(Network, ids, Maps.Relations, skipped);
    }

    private static Tensor Ids(long[] source, int start, int n, Device device)
    {
        var t = Tensor.From(source.AsSpan(start, n), [n]);
        return t.Device == device ? t : t.To(device);
    }

    /// <inheritdoc />
    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName, ComponentVersion) { ParameterCount = Network.ParameterCount() };
        manifest.SetOptions(Options);
        manifest.Maps["entities"] = Maps.Entities.ToArray();
        manifest.Maps["relations"] = Maps.Relations.ToArray();
        foreach (var kv in Metrics) manifest.Metrics[kv.Key] = kv.Value;
        ModelFile.Save(path, manifest, Network.StateDict());
    }

    /// <summary>Rebuilds a model from a model file's content (registered with <see cref="ModelComponentRegistry"/>).</summary>
    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var m = model.Manifest;
        var options = m.GetOptions<LinkPredictionOptions>();
        // Whether the model has the entity bias is what its weights say (files from before the option have none).
        options.EntityBias = model.Weights.ContainsKey("entity_bias");
        var maps = new KgIdMaps(m.GetMap("entities"), m.GetMap("relations"));
        // The encoder's graph comes back with the weights; a placeholder of the saved size is built first.
        var edgeCount = options.Encoder == EntityEncoderKind.None ? 0 : (int)(model.GetWeight("encoder.src").Size(0) / 2);
        var placeholder = new TripleIds(new long[edgeCount], new long[edgeCount], new long[edgeCount]);
        var network = KgeModels.Create(options, maps.EntityCount, maps.RelationCount, placeholder);
        try
        {
            network.LoadStateDict(model.Weights);
            var device = context.ResolveDevice();
            if (device != Device.CPU) network.To(device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var result = new LinkPredictionModel(maps, options, network);
        foreach (var kv in m.Metrics) result.Metrics[kv.Key] = kv.Value;
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
