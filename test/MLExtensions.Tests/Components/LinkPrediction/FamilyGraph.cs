using MLExtensions.Components.LinkPrediction;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>
/// A kinship graph built by rule: <c>families</c> three-generation families. Each has two grandparents (married),
/// two children each married to an in-law, and two grandchildren per couple — 10 people per family. Relations:
/// spouse_of and sibling_of (symmetric), parent_of / child_of (inverse of each other), grandparent_of /
/// grandchild_of (inverse, and the composition of parent_of with itself). Every fact is entailed by others
/// (its inverse or symmetric twin), so a held-out triple is predictable from the rest, as in WN18-style graphs.
/// </summary>
internal static class FamilyGraph
{
    public static List<LabeledTriple> Build(int families)
    {
        var triples = new List<LabeledTriple>();
        void Both(string a, string rel, string b) { triples.Add(new(a, rel, b)); triples.Add(new(b, rel, a)); }
        void Parent(string p, string c) { triples.Add(new(p, "parent_of", c)); triples.Add(new(c, "child_of", p)); }
        void Grand(string g, string c) { triples.Add(new(g, "grandparent_of", c)); triples.Add(new(c, "grandchild_of", g)); }
        for (int f = 0; f < families; f++)
        {
            string gf = $"f{f}_grandfather", gm = $"f{f}_grandmother";
            Both(gf, "spouse_of", gm);
            var children = new[] { $"f{f}_child0", $"f{f}_child1" };
            Both(children[0], "sibling_of", children[1]);
            for (int c = 0; c < 2; c++)
            {
                string child = children[c], inLaw = $"f{f}_inlaw{c}";
                Parent(gf, child);
                Parent(gm, child);
                Both(child, "spouse_of", inLaw);
                var kids = new[] { $"f{f}_grandchild{c}0", $"f{f}_grandchild{c}1" };
                Both(kids[0], "sibling_of", kids[1]);
                foreach (var kid in kids)
                {
                    Parent(child, kid);
                    Parent(inLaw, kid);
                    Grand(gf, kid);
                    Grand(gm, kid);
                }
            }
        }
        return triples;
    }

    /// <summary>The graph split at random (seeded) into train and a held-out share.</summary>
    public static (LabeledTriples Train, LabeledTriples Test) Split(int families, double heldOut, int seed)
    {
        var all = Build(families).ToArray();
        new Random(seed).Shuffle(all);
        int test = (int)(all.Length * heldOut);
        var train = all.Skip(test).ToList();
        // Keep only held-out triples whose entities appear in training (a model cannot embed an unseen person).
        var seen = train.SelectMany(t => new[] { t.Head, t.Tail }).ToHashSet();
        var held = all.Take(test).Where(t => seen.Contains(t.Head) && seen.Contains(t.Tail)).ToList();
        return (new LabeledTriples(train, "family-train"), new LabeledTriples(held, "family-test"));
    }
}
