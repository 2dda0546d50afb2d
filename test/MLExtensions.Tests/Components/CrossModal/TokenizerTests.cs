using MLExtensions.Components.CrossModal;

namespace MLExtensions.Tests.Components.CrossModal;

[TestClass]
public sealed class TokenizerTests
{
    private static readonly string[] Corpus =
    [
        "grinning face (face, grin)", "grinning face with big eyes", "red heart", "broken heart",
        "face with tears of joy", "smiling face with heart-eyes", "thumbs up", "thumbs down", "red apple", "green apple",
    ];

    [TestMethod]
    public void EncodeDecodeRoundTripsTheNormalisedText()
    {
        var tok = BpeTokenizer.Learn(Corpus, vocabularySize: 120, maxLength: 64);
        Assert.IsTrue(tok.Merges.Count > 10, "merges are learned from repeated pairs");
        foreach (var text in Corpus.Append("  Grinning   HEART, with (joy)  "))
        {
            var ids = tok.Encode(text);
            Assert.AreEqual(BpeTokenizer.BeginId, ids[0]);
            Assert.AreEqual(BpeTokenizer.EndId, ids[^1]);
            Assert.IsFalse(ids.Contains(BpeTokenizer.UnknownId), text);
            Assert.AreEqual(tok.Normalize(text), tok.Decode(ids));
        }
        Assert.AreEqual("grinning heart, with (joy)", tok.Normalize("  Grinning   HEART, with (joy)  "));
        // Frequent words become single tokens.
        Assert.AreEqual(3, tok.Encode("face").Length);
    }

    [TestMethod]
    public void UnseenCharactersBecomeUnknown()
    {
        var tok = BpeTokenizer.Learn(Corpus, vocabularySize: 120);
        var ids = tok.Encode("face #");
        CollectionAssert.Contains(ids, BpeTokenizer.UnknownId);
    }

    [TestMethod]
    public void LongTextsAreTruncatedKeepingEndOfSequence()
    {
        var tok = BpeTokenizer.Learn(Corpus, vocabularySize: 120, maxLength: 8);
        var ids = tok.Encode(string.Join(' ', Enumerable.Repeat("grinning face with big eyes", 10)), out bool truncated);
        Assert.IsTrue(truncated);
        Assert.AreEqual(8, ids.Length);
        Assert.AreEqual(BpeTokenizer.EndId, ids[^1]);
        Assert.IsTrue(tok.Decode(ids).StartsWith("grinning", StringComparison.Ordinal));
        tok.Encode("red heart", out bool shortCut);
        Assert.IsFalse(shortCut);
    }

    [TestMethod]
    public void RebuiltTokenizerGivesTheSameIds()
    {
        var tok = BpeTokenizer.Learn(Corpus, vocabularySize: 90);
        var again = new BpeTokenizer(tok.Vocabulary, tok.Merges, tok.MaxLength, tok.Lowercase);
        foreach (var text in Corpus) CollectionAssert.AreEqual(tok.Encode(text), again.Encode(text));
        // Learning does not depend on the order of the texts.
        var reversed = BpeTokenizer.Learn(Corpus.Reverse(), vocabularySize: 90);
        CollectionAssert.AreEqual(tok.Vocabulary.ToArray(), reversed.Vocabulary.ToArray());
    }

    [TestMethod]
    public void InconsistentMergesAreRefused()
    {
        var tok = BpeTokenizer.Learn(Corpus, vocabularySize: 60);
        Assert.ThrowsExactly<InvalidDataException>(() => new BpeTokenizer(tok.Vocabulary, ["zz qq"], 16, true));
        Assert.ThrowsExactly<InvalidDataException>(() => new BpeTokenizer(["a", "b"], [], 16, true));
    }
}
