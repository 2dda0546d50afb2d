using MLExtensions.Components.LinkPrediction;
using MLExtensions.Data;

namespace MLExtensions.Tests.Components.LinkPrediction;

[TestClass]
public sealed class TriplesReaderTests
{
    private static LabeledTriples Read(string text, DuplicateTriples duplicates = DuplicateTriples.Drop) =>
        TriplesTsvReader.Read(new StringReader(text), "kg.tsv", duplicates);

    [TestMethod]
    public void Reads_triples_skipping_blank_lines_and_carriage_returns()
    {
        var t = Read("alice\tparent_of\tbob\r\n\nbob\tchild_of\talice\n");
        Assert.AreEqual(2, t.Count);
        Assert.AreEqual(new LabeledTriple("bob", "child_of", "alice"), t.Triples[1]);
        Assert.AreEqual(3L, t.LineNumbers![1]);
    }

    [TestMethod]
    public void A_malformed_line_is_named_by_its_number()
    {
        var e = Assert.ThrowsExactly<DataLoadException>(() => Read("a\tr\tb\nc\td\ne\tr\tf\n"));
        Assert.AreEqual(2L, e.LineNumber);
        StringAssert.Contains(e.Message, "kg.tsv line 2");
        StringAssert.Contains(e.Message, "found 2");

        var empty = Assert.ThrowsExactly<DataLoadException>(() => Read("a\tr\tb\na\t\tb\n"));
        Assert.AreEqual(2L, empty.LineNumber);
        StringAssert.Contains(empty.Message, "relation is empty");
    }

    [TestMethod]
    public void Duplicate_triples_are_dropped_and_counted_or_refused()
    {
        const string text = "a\tr\tb\nb\tr\tc\na\tr\tb\na\tr\tb\n";
        var t = Read(text);
        Assert.AreEqual(2, t.Count);
        Assert.AreEqual(2, t.DuplicatesDropped);

        var e = Assert.ThrowsExactly<DataLoadException>(() => Read(text, DuplicateTriples.Error));
        Assert.AreEqual(3L, e.LineNumber);
        StringAssert.Contains(e.Message, "repeats line 1");
    }

    [TestMethod]
    public void Id_maps_refuse_unknown_names_naming_them_and_their_line()
    {
        var train = Read("a\tr\tb\nb\tr\tc\n");
        var maps = KgIdMaps.Build(train);
        Assert.AreEqual(3, maps.EntityCount);
        Assert.AreEqual(1, maps.RelationCount);

        var bad = Read("a\tr\tb\na\tnot_a_relation\tc\n");
        var e = Assert.ThrowsExactly<ArgumentException>(() => maps.Encode(bad));
        StringAssert.Contains(e.Message, "kg.tsv line 2");
        StringAssert.Contains(e.Message, "unknown relation 'not_a_relation'");

        var unseen = Read("a\tr\tzed\n");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => maps.Encode(unseen)).Message, "unknown entity 'zed'");
        var (ids, skipped) = maps.Encode(unseen, UnknownTriples.Skip);
        Assert.AreEqual(0, ids.Count);
        Assert.AreEqual(1, skipped);
    }
}
