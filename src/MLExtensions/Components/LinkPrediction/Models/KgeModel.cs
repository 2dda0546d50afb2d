using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// A knowledge-graph embedding model: entity and relation tables and a score function (higher = more plausible).
/// Besides scoring given triples it scores a query against every entity at once — the operation 1-N training,
/// ranking evaluation and top-k prediction are built on. Parameters are named <c>entity</c> and <c>relation</c>.
/// </summary>
public abstract class KgeModel : Module
{
    /// <summary>
    /// Creates the tables: [entities, entityWidth] and [relations, relationWidth], or [2 · relations, relationWidth]
    /// with <paramref name="reciprocal"/> (row relations + r holds the learned inverse of relation r).
    /// </summary>
    protected KgeModel(long entityCount, long relationCount, int dim, long entityWidth, long relationWidth, bool reciprocal = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entityCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(relationCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        EntityCount = entityCount;
        RelationCount = relationCount;
        Dim = dim;
        Reciprocal = reciprocal;
        RegisterParameter("entity", torch.Empty([entityCount, entityWidth]));
        RegisterParameter("relation", torch.Empty([reciprocal ? 2 * relationCount : relationCount, relationWidth]));
    }

    /// <summary>Which decoder this is.</summary>
    public abstract KgeModelKind Kind { get; }
    /// <summary>Number of entities.</summary>
    public long EntityCount { get; }
    /// <summary>Number of relations (of the data; the inverse relations of a reciprocal model are not counted).</summary>
    public long RelationCount { get; }
    /// <summary>
    /// Whether each relation r has a learned inverse (row RelationCount + r of the relation table) and a head query
    /// (?, r, t) is scored as the tail query (t, r⁻¹, ?) (Lacroix et al. 2018; Kazemi and Poole 2018). Triples
    /// themselves (<see cref="ScoreTriples(Tensor, Tensor, Tensor)"/>) are scored in the forward direction.
    /// </summary>
    public bool Reciprocal { get; }
    /// <summary>The embedding size (complex models hold 2·Dim real numbers per entity).</summary>
    public int Dim { get; }
    /// <summary>The entity table.</summary>
    public Tensor EntityWeight => GetParameter("entity")!;
    /// <summary>The relation table.</summary>
    public Tensor RelationWeight => GetParameter("relation")!;

    // Set while scoring against a table of just the rows a batch touches (row-wise updates): ids then index that table.
    private Tensor? _rowTable;

    /// <summary>Entity rows for ids of any shape.</summary>
    protected Tensor Entities(Tensor ids) => Functional.Embedding(_rowTable ?? EntityWeight, ids);
    /// <summary>Relation rows for ids of any shape.</summary>
    protected Tensor Relations(Tensor ids) => Functional.Embedding(RelationWeight, ids);

    /// <summary>The entity encoder (R-GCN ...) that turns the entity table into the representations the decoder scores, or null.</summary>
    public EntityEncoder? Encoder { get; private set; }

    /// <summary>Puts <paramref name="encoder"/> in front of the decoder (once, before training).</summary>
    public void SetEncoder(EntityEncoder encoder)
    {
        if (Encoder != null) throw new InvalidOperationException("this model already has an encoder");
        Encoder = RegisterModule("encoder", encoder);
    }

    // The encoder's output while a ShareEntityTable scope is open on this thread, and the model it belongs to: per
    // thread, so that a model scored from several threads at once never sees another thread's table.
    [ThreadStatic] private static KgeModel? t_sharedOwner;
    [ThreadStatic] private static Tensor? t_sharedTable;

    /// <summary>The entity representations the decoder scores: the table, or the encoder's output over it.</summary>
    public Tensor EntityTable() =>
        Encoder is null ? EntityWeight : ReferenceEquals(t_sharedOwner, this) ? t_sharedTable! : Encoder.Forward(EntityWeight, RelationWeight);

    /// <summary>
    /// Runs the encoder once and lets every score on this thread until the returned scope is disposed use that output
    /// (one training step's tail and head queries, or every batch of an evaluation), instead of one encoder pass per
    /// call. Open it where the result may live that long (outside per-batch dispose scopes for a whole evaluation).
    /// A no-op for models without an encoder, and while a scope is already open on this thread (for this model or
    /// another: calls then share the open one or run the encoder per call, as before).
    /// </summary>
    public IDisposable ShareEntityTable()
    {
        if (Encoder is null || t_sharedOwner != null) return NoScope.Instance;
        t_sharedTable = Encoder.Forward(EntityWeight, RelationWeight).DetachFromDisposeScope();
        t_sharedOwner = this;
        return new SharedTableScope();
    }

    private sealed class SharedTableScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            var t = t_sharedTable;
            t_sharedOwner = null;
            t_sharedTable = null;
            t?.Dispose();
        }
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }

    /// <summary>The learned per-entity score bias, or null (see <see cref="AddEntityBias"/>).</summary>
    public Tensor? EntityBias => GetParameter("entity_bias");

    /// <summary>
    /// Adds a learned bias per entity, starting at <paramref name="initial"/>: every score becomes decoder(h, r, t) +
    /// b_h + b_t, so a query against all entities adds b_e to candidate e (and a constant to the row, which changes no
    /// rank). With 1-N scoring it lets every score fall at once without moving the embeddings (the CompGCN reference
    /// decoders add such a bias to their 1-N scores). Once, before training or loading.
    /// </summary>
    public void AddEntityBias(double initial = 0)
    {
        if (EntityBias != null) throw new InvalidOperationException("this model already has an entity bias");
        RegisterParameter("entity_bias", torch.Full([EntityCount], initial, device: EntityWeight.Device));
    }

    /// <summary>
    /// The bias start at which a zero decoder score gives every 1-N probability σ(b_h + b_t) = 1 / EntityCount, the
    /// share of true answers at one answer per query: −½ ln(EntityCount − 1) (the prior-probability initialisation
    /// of Lin et al. 2017). The 1vsAll softmax is unchanged by any common start.
    /// </summary>
    public double PriorEntityBias => -0.5 * Math.Log(Math.Max(2, EntityCount) - 1);

    // b[ids] for ids of any shape.
    private static Tensor BiasOf(Tensor bias, Tensor ids) => bias.IndexSelect(0, ids.Flatten()).View(ids.Shape);

    /// <summary>Rows of <paramref name="table"/> for ids of any shape.</summary>
    protected static Tensor Rows(Tensor table, Tensor ids) => Functional.Embedding(table, ids);

    /// <summary>Scores of triples given as id tensors of one shape: the result has that shape.</summary>
    public Tensor ScoreTriples(Tensor heads, Tensor relations, Tensor tails)
    {
        var s = ScoreTriples(EntityTable(), heads, relations, tails);
        return EntityBias is { } b ? s + BiasOf(b, heads) + BiasOf(b, tails) : s;
    }

    /// <summary>Scores of (head, relation, e) for every entity e: [B, EntityCount].</summary>
    public Tensor ScoreTails(Tensor heads, Tensor relations)
    {
        var s = ScoreTails(EntityTable(), heads, relations);
        return EntityBias is { } b ? s + BiasOf(b, heads).Unsqueeze(1) + b.Unsqueeze(0) : s;
    }

    /// <summary>Scores of (e, relation, tail) for every entity e: [B, EntityCount] (a reciprocal model scores (tail, relation⁻¹, e)).</summary>
    public Tensor ScoreHeads(Tensor relations, Tensor tails)
    {
        var s = Reciprocal ? ScoreTails(EntityTable(), tails, HeadQueryRelations(relations)) : ScoreHeads(EntityTable(), relations, tails);
        return EntityBias is { } b ? s + b.Unsqueeze(0) + BiasOf(b, tails).Unsqueeze(1) : s;
    }

    /// <summary>
    /// The relation rows a head query (?, r, t) uses: r itself, or for a reciprocal model its inverse r + RelationCount
    /// (what the regulariser's <see cref="Factors"/> must be given for head queries).
    /// </summary>
    public Tensor HeadQueryRelations(Tensor relations) => Reciprocal ? relations + RelationCount : relations;

    /// <summary>
    /// Scores of triples whose entity ids index <paramref name="rows"/> (a table of selected entity rows, for example
    /// those a negative-sampling batch touches) instead of the whole entity table. Models without an encoder only.
    /// </summary>
    public Tensor ScoreTriplesOn(Tensor rows, Tensor heads, Tensor relations, Tensor tails)
    {
        if (Encoder != null) throw new InvalidOperationException("scoring against selected rows needs a model without an encoder");
        if (EntityBias != null) throw new InvalidOperationException("scoring against selected rows needs a model without an entity bias");
        return ScoreTriples(rows, heads, relations, tails);
    }

    /// <summary>The regulariser's factors (see <see cref="Factors"/>) with entity ids indexing <paramref name="rows"/>.</summary>
    public IReadOnlyList<Tensor> FactorsOn(Tensor rows, Tensor entities, Tensor relations)
    {
        _rowTable = rows;
        try { return Factors(entities, relations).ToList(); }
        finally { _rowTable = null; }
    }

    /// <summary>Triple scores against the entity representations <paramref name="table"/> [EntityCount, width].</summary>
    protected abstract Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails);

    /// <summary>All-tail scores against <paramref name="table"/>.</summary>
    protected abstract Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations);

    /// <summary>All-head scores against <paramref name="table"/>.</summary>
    protected abstract Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails);

    /// <summary>
    /// The embedding factors a regulariser penalises for the given entity and relation ids (for complex models,
    /// the moduli of the complex coordinates, as N3 is defined on them).
    /// </summary>
    public abstract IEnumerable<Tensor> Factors(Tensor entities, Tensor relations);

    /// <summary>Modulus of complex numbers stored as [..., re | im] halves: [..., Dim].</summary>
    protected Tensor ComplexModulus(Tensor x)
    {
        var re = x.Narrow(-1, 0, Dim);
        var im = x.Narrow(-1, Dim, Dim);
        return (re.Square() + im.Square() + 1e-12).Sqrt();
    }
}
