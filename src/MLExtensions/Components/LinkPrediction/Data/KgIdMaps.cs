namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The entity and relation id maps of a fitted model: built from the training triples at fit (ids in order of first
/// appearance, heads before tails), saved in the model file, used to turn names into ids and back.
/// </summary>
public sealed class KgIdMaps
{
    private readonly string[] _entities, _relations;
    private readonly Dictionary<string, long> _entityIds, _relationIds;

    /// <summary>Maps with the given names; id i is the i-th name. Names must be unique.</summary>
    public KgIdMaps(IReadOnlyList<string> entities, IReadOnlyList<string> relations)
    {
        _entities = entities.ToArray();
        _relations = relations.ToArray();
        _entityIds = Index(_entities, "entity");
        _relationIds = Index(_relations, "relation");
    }

    private static Dictionary<string, long> Index(string[] names, string kind)
    {
        var d = new Dictionary<string, long>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
            if (!d.TryAdd(names[i], i)) throw new ArgumentException($"the {kind} '{names[i]}' appears twice in the id map");
        return d;
    }

    /// <summary>Entity names by id.</summary>
    public IReadOnlyList<string> Entities => _entities;
    /// <summary>Relation names by id.</summary>
    public IReadOnlyList<string> Relations => _relations;
    /// <summary>Number of entities.</summary>
    public int EntityCount => _entities.Length;
    /// <summary>Number of relations.</summary>
    public int RelationCount => _relations.Length;

    /// <summary>Builds the maps from training triples.</summary>
    public static KgIdMaps Build(LabeledTriples train)
    {
        var entities = new List<string>();
        var relations = new List<string>();
        var seenE = new HashSet<string>(StringComparer.Ordinal);
        var seenR = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in train.Triples)
        {
            if (seenE.Add(t.Head)) entities.Add(t.Head);
            if (seenR.Add(t.Relation)) relations.Add(t.Relation);
            if (seenE.Add(t.Tail)) entities.Add(t.Tail);
        }
        if (entities.Count == 0) throw new ArgumentException($"{train.Source} holds no triples");
        return new KgIdMaps(entities, relations);
    }

    /// <summary>The id of entity <paramref name="name"/>, or -1.</summary>
    public long EntityId(string name) => _entityIds.TryGetValue(name, out var id) ? id : -1;
    /// <summary>The id of relation <paramref name="name"/>, or -1.</summary>
    public long RelationId(string name) => _relationIds.TryGetValue(name, out var id) ? id : -1;

    /// <summary>The id of entity <paramref name="name"/>; an unknown name raises an error naming it.</summary>
    public long RequireEntity(string name, string? where = null) =>
        _entityIds.TryGetValue(name, out var id) ? id
            : throw new ArgumentException($"{Prefix(where)}unknown entity '{name}': the model was not trained on it");

    /// <summary>The id of relation <paramref name="name"/>; an unknown name raises an error naming it.</summary>
    public long RequireRelation(string name, string? where = null) =>
        _relationIds.TryGetValue(name, out var id) ? id
            : throw new ArgumentException($"{Prefix(where)}unknown relation '{name}': the model knows {Describe(_relations)}");

    private static string Prefix(string? where) => where is null ? "" : where + ": ";

    private static string Describe(string[] names) =>
        names.Length <= 12 ? string.Join(", ", names.Select(n => $"'{n}'")) : $"{names.Length} relations";

    /// <summary>
    /// Turns <paramref name="triples"/> into ids. With <see cref="UnknownTriples.Error"/> an unknown name raises an
    /// error naming it and its line; with <see cref="UnknownTriples.Skip"/> such triples are left out and counted.
    /// </summary>
    public (TripleIds Ids, int Skipped) Encode(LabeledTriples triples, UnknownTriples unknown = UnknownTriples.Error)
    {
        var h = new List<long>(triples.Count); var r = new List<long>(triples.Count); var t = new List<long>(triples.Count);
        int skipped = 0;
        for (int i = 0; i < triples.Count; i++)
        {
            var x = triples.Triples[i];
            long hi = EntityId(x.Head), ri = RelationId(x.Relation), ti = EntityId(x.Tail);
            if (hi < 0 || ri < 0 || ti < 0)
            {
                if (unknown == UnknownTriples.Skip) { skipped++; continue; }
                var where = triples.Where(i);
                if (ri < 0) RequireRelation(x.Relation, where);
                RequireEntity(hi < 0 ? x.Head : x.Tail, where);
            }
            h.Add(hi); r.Add(ri); t.Add(ti);
        }
        return (new TripleIds(h.ToArray(), r.ToArray(), t.ToArray()), skipped);
    }
}
