using MLExtensions.Components.FewShot;

namespace MLExtensions.Tests.Components.FewShot;

[TestClass]
public sealed class EpisodeSamplerTests
{
    // 12 classes in 3 groups of 4, class c has 6 + c rows.
    private static (int[] RowClass, string[] Names, string[] Groups) Data()
    {
        var rowClass = Enumerable.Range(0, 12).SelectMany(c => Enumerable.Repeat(c, 6 + c)).ToArray();
        var names = Enumerable.Range(0, 12).Select(c => $"g{c / 4}/c{c}").ToArray();
        return (rowClass, names, names.Select(FewShotImageFolder.GroupOf).ToArray());
    }

    [TestMethod]
    public void EpisodesHaveTheAskedCountsDistinctClassesAndDisjointQuery()
    {
        var (rowClass, names, groups) = Data();
        var sampler = new EpisodeSampler(rowClass, names, groups, ways: 5, shots: 2, queries: 3, withinGroup: false, seed: 7);
        for (int i = 0; i < 200; i++)
        {
            var ep = sampler.Next();
            Assert.HasCount(5, ep.Classes);
            Assert.HasCount(5, ep.Classes.Distinct().ToArray());
            Assert.HasCount(10, ep.Support);
            Assert.HasCount(15, ep.Query);
            Assert.IsFalse(ep.Support.Intersect(ep.Query).Any(), "a query row is also in the support");
            Assert.HasCount(25, ep.Support.Concat(ep.Query).Distinct().ToArray());
            for (int c = 0; c < 5; c++)
            {
                Assert.IsTrue(ep.Support.Skip(c * 2).Take(2).All(r => rowClass[r] == ep.Classes[c]));
                Assert.IsTrue(ep.Query.Skip(c * 3).Take(3).All(r => rowClass[r] == ep.Classes[c]));
            }
        }
    }

    [TestMethod]
    public void BalancedSourcesTakeTurnsAndKeepAnEpisodeInOneSource()
    {
        // Source "big" holds classes 0-9, "small" classes 10-11 and a third source too few for a 2-way episode (class 12 alone).
        var rowClass = Enumerable.Range(0, 13).SelectMany(c => Enumerable.Repeat(c, 6)).ToArray();
        var names = Enumerable.Range(0, 13).Select(c => $"g/c{c}").ToArray();
        var sources = Enumerable.Range(0, 13).Select(c => c < 10 ? "big" : c < 12 ? "small" : "tiny").ToArray();
        var sampler = new EpisodeSampler(rowClass, names, null, ways: 2, shots: 1, queries: 2, withinGroup: false, seed: 3, classSources: sources);
        Assert.AreEqual(2, sampler.SourceCount);
        var drawn = Enumerable.Range(0, 100).Select(_ => sampler.Next()).ToArray();
        var from = drawn.Select(e => sources[e.Classes[0]]).ToArray();
        for (int i = 0; i < drawn.Length; i++)
        {
            Assert.IsTrue(drawn[i].Classes.All(c => sources[c] == from[i]), "an episode mixes sources");
            if (i > 0) Assert.AreNotEqual(from[i - 1], from[i], "the sources take turns");
        }
        Assert.AreEqual(50, from.Count(s => s == "small"));
        var unbalanced = new EpisodeSampler(rowClass, names, null, ways: 2, shots: 1, queries: 2, withinGroup: false, seed: 3);
        Assert.AreEqual(0, unbalanced.SourceCount);
        Assert.IsLessThan(10, Enumerable.Range(0, 100).Count(_ => unbalanced.Next().Classes.All(c => sources[c] == "small")));
        Assert.ThrowsExactly<ArgumentException>(() =>
            new EpisodeSampler(rowClass, names, null, ways: 11, shots: 1, queries: 2, withinGroup: false, seed: 3, classSources: sources));
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameEpisodes()
    {
        var (rowClass, names, groups) = Data();
        var a = new EpisodeSampler(rowClass, names, groups, 5, 1, 4, false, 11);
        var b = new EpisodeSampler(rowClass, names, groups, 5, 1, 4, false, 11);
        var c = new EpisodeSampler(rowClass, names, groups, 5, 1, 4, false, 12);
        bool anyDifferent = false;
        for (int i = 0; i < 20; i++)
        {
            var ea = a.Next();
            var eb = b.Next();
            var ec = c.Next();
            CollectionAssert.AreEqual(ea.Support, eb.Support);
            CollectionAssert.AreEqual(ea.Query, eb.Query);
            anyDifferent |= !ea.Support.SequenceEqual(ec.Support);
        }
        Assert.IsTrue(anyDifferent, "another seed should give other episodes");
    }

    [TestMethod]
    public void WithinGroupEpisodesDrawFromOneGroup()
    {
        var (rowClass, names, groups) = Data();
        var sampler = new EpisodeSampler(rowClass, names, groups, 4, 1, 2, withinGroup: true, seed: 3);
        var seenGroups = new HashSet<string>();
        for (int i = 0; i < 50; i++)
        {
            var ep = sampler.Next();
            var g = ep.Classes.Select(c => groups[c]).Distinct().ToArray();
            Assert.HasCount(1, g);
            seenGroups.Add(g[0]);
        }
        Assert.HasCount(3, seenGroups);
    }

    [TestMethod]
    public void TooFewExamplesPerClassNamesTheClass()
    {
        var rowClass = new[] { 0, 0, 0, 1, 1, 1, 2 };
        var names = new[] { "alpha", "beta", "gamma" };
        var e = Assert.ThrowsExactly<ArgumentException>(() => new EpisodeSampler(rowClass, names, null, 3, 2, 1, false, 1));
        StringAssert.Contains(e.Message, "'gamma' has 1");
        Assert.ThrowsExactly<ArgumentException>(() => new EpisodeSampler(rowClass, names, null, 2, 0, 1, false, 1));
    }

    [TestMethod]
    public void NestedFoldersGiveRelativePathClassesAndGroups()
    {
        var root = FewShotTestData.TempFolder();
        try
        {
            foreach (var cls in new[] { "Latin/character01", "Latin/character02", "Greek/character01" })
            {
                Directory.CreateDirectory(Path.Combine(root, cls));
                for (int i = 0; i < 2; i++) Support.TestPng.Write(Path.Combine(root, cls, $"{i}.png"), 4, 4, 1, (_, _, _) => 0);
            }
            var batch = FewShotImageFolder.Load(root);
            Assert.AreEqual(6, batch.RowCount);
            var labels = ((MLExtensions.Data.TextColumn)batch["Label"]).Values.ToArray().Distinct().ToArray();
            CollectionAssert.AreEqual(new[] { "Greek/character01", "Latin/character01", "Latin/character02" }, labels);
            Assert.AreEqual("Latin", FewShotImageFolder.GroupOf("Latin/character02"));
        }
        finally { Directory.Delete(root, true); }
    }

    [TestMethod]
    public void UnknownAlgorithmIsAClearError()
    {
        Assert.AreEqual(FewShotAlgorithm.FoMaml, FewShotOptions.ParseAlgorithm("fomaml"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => FewShotOptions.ParseAlgorithm("matchingnet"));
        StringAssert.Contains(e.Message, "matchingnet");
        StringAssert.Contains(e.Message, "protonet");
    }
}
