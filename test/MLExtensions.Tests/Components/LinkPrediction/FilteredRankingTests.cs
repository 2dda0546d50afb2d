using MLExtensions.Components.LinkPrediction;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Components.LinkPrediction;

[TestClass]
public sealed class FilteredRankingTests
{
    /// <summary>A "model" whose score of (h, r, t) is read from a fixed table, so ranks can be computed by hand.</summary>
    private sealed class TableModel : KgeModel
    {
        private readonly Tensor _table; // [E, E] for the single relation: row = head, column = tail

        public TableModel(float[,] table) : base(table.GetLength(0), 1, 1, 1, 1)
        {
            int n = table.GetLength(0);
            var flat = new float[n * n];
            Buffer.BlockCopy(table, 0, flat, 0, flat.Length * sizeof(float));
            _table = Tensor.From(flat, n, n).DetachFromDisposeScope();
        }

        public override KgeModelKind Kind => KgeModelKind.DistMult;
        protected override Tensor ScoreTriples(Tensor table, Tensor heads, Tensor relations, Tensor tails) => _table.Index(heads, tails);
        protected override Tensor ScoreTails(Tensor table, Tensor heads, Tensor relations) => _table.IndexSelect(0, heads);
        protected override Tensor ScoreHeads(Tensor table, Tensor relations, Tensor tails) => _table.IndexSelect(1, tails).T();
        public override IEnumerable<Tensor> Factors(Tensor entities, Tensor relations) => [];

        protected override void Dispose(bool disposing)
        {
            if (disposing) _table.Dispose();
            base.Dispose(disposing);
        }
    }

    // Scores of (h, r, t): row h, column t.
    private static readonly float[,] Table =
    {
        { 0.5f, 0.9f, 0.7f, 0.7f, 0.7f },
        { 0.0f, 0.0f, 0.1f, 0.0f, 0.0f },
        { 0.0f, 0.0f, 0.8f, 0.0f, 0.0f },
        { 0.0f, 0.0f, 0.7f, 0.0f, 0.0f },
        { 0.3f, 0.3f, 0.2f, 0.3f, 0.3f },
    };

    private static TripleIds Triples(params (long H, long T)[] t) =>
        new(t.Select(x => x.H).ToArray(), new long[t.Length], t.Select(x => x.T).ToArray());

    [TestMethod]
    public void Filtered_ranks_match_the_hand_computed_ones_with_mean_rank_ties()
    {
        using var model = new TableModel(Table);
        var train = Triples((0, 1), (3, 2));
        var test = Triples((0, 2), (4, 3), (0, 3)); // A, B, C
        var evaluator = new FilteredRankingEvaluator(new TripleIndex(1, train, test), batchSize: 2);
        var (heads, tails) = evaluator.Rank(model, test);

        // A tail: row 0 = .5 .9 [.7] .7 .7; entity 1 (train) and 3 (test C) are filtered -> {0:.5, 2:.7, 4:.7}:
        //   0 higher, 2 equal -> 1 + 0 + (2-1)/2 = 1.5.
        // B tail: row 4 = .3 .3 .2 [.3] .3; nothing to filter -> 0 higher, 4 equal -> 1 + (4-1)/2 = 2.5.
        // C tail: row 0, true entity 3 (.7); 1 and 2 filtered -> {0:.5, 3:.7, 4:.7} -> 1.5.
        CollectionAssert.AreEqual(new[] { 1.5, 2.5, 1.5 }, tails);
        // A head: column 2 = [.7] .1 .8 .7 .2; head 3 filtered (train) -> {0:.7, 1:.1, 2:.8, 4:.2}: 1 higher -> 2.
        // B head: column 3 = .7 0 0 0 [.3]; head 0 filtered (test C) -> {1:0, 2:0, 3:0, 4:.3} -> 1.
        // C head: column 3 = [.7] 0 0 0 .3; head 4 filtered (test B) -> 1.
        CollectionAssert.AreEqual(new[] { 2.0, 1.0, 1.0 }, heads);

        var m = FilteredRankingEvaluator.Aggregate(test, heads, tails, ["r"]);
        Assert.AreEqual((1 / 1.5 + 1 / 2.5 + 1 / 1.5) / 3, m.Tail.Mrr, 1e-12);
        Assert.AreEqual((1 / 2.0 + 1 + 1) / 3, m.Head.Mrr, 1e-12);
        Assert.AreEqual((1 / 1.5 + 1 / 2.5 + 1 / 1.5 + 1 / 2.0 + 1 + 1) / 6, m.Mrr, 1e-12);
        Assert.AreEqual(2.0 / 6, m.Both.HitsAt1, 1e-12);   // ranks 1 and 1 (heads B, C); 1.5 is not a hit at 1
        Assert.AreEqual(1.0, m.Both.HitsAt3, 1e-12);
        Assert.AreEqual(m.Mrr, m.PerRelation["r"].Both.Mrr, 1e-12);
        Assert.AreEqual(6, m.Both.Count);
    }

    [TestMethod]
    public void Without_filtering_other_true_answers_count_against_the_rank()
    {
        using var model = new TableModel(Table);
        var test = Triples((0, 2));
        var (_, tails) = new FilteredRankingEvaluator(new TripleIndex(1, test)).Rank(model, test);
        // Row 0 = .5 .9 [.7] .7 .7: 1 higher, 3 equal -> 1 + 1 + (3-1)/2 = 3 (the optimistic rank would be 2).
        Assert.AreEqual(3.0, tails[0]);
    }

    [TestMethod]
    public void Json_has_the_headline_metrics_and_each_direction()
    {
        var test = Triples((0, 2), (4, 3));
        var m = FilteredRankingEvaluator.Aggregate(test, [1, 4], [2, 20], ["rel"]);
        var json = m.ToJson();
        Assert.AreEqual((1 + 0.25 + 0.5 + 0.05) / 4, (double)json["mrr"]!, 1e-12);
        Assert.AreEqual(0.75, (double)json["hits@10"]!, 1e-12);
        Assert.AreEqual(0.5, (double)json["head"]!["hits@1"]!, 1e-12);
        Assert.AreEqual(0.0, (double)json["tail"]!["hits@1"]!, 1e-12);
        Assert.IsNotNull(json["per_relation"]!["rel"]);
    }
}
