using MLExtensions.Components.FewShot;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.FewShot;

/// <summary>Reads the labelled data of the few-shot verbs: image folders (class = relative folder path) or a CSV of features.</summary>
internal static class FewShotData
{
    public static DataBatch Load(MLExtContext ctx, IReadOnlyList<string> sources, FewShotOptions o, string? classes, string? groups = null)
    {
        if (sources.Count == 0) throw new ArgumentException("no data given");
        DataBatch batch;
        if (sources.All(Directory.Exists))
            batch = FewShotImageFolder.Load(sources, o.ImageColumnName, o.LabelColumnName);
        else
        {
            var parts = sources.Select(s => File.Exists(s)
                ? ctx.Data.LoadFromTextFile(s, new TextLoaderOptions
                {
                    LabelColumnName = o.LabelColumnName,
                    TextColumns = [o.LabelColumnName],
                    GatherNumericFeatures = true,
                    FeaturesColumnName = o.FeatureColumnName,
                })
                : throw new FileNotFoundException($"no such folder or file: {s}")).ToList();
            batch = parts.Count == 1 ? parts[0] : DataBatch.Concat(parts);
        }
        batch = Filter(batch, o, classes, label => label);
        return Filter(batch, o, groups, FewShotImageFolder.GroupOf);
    }

    // Keeps the rows whose key(label) is in the comma-separated list.
    private static DataBatch Filter(DataBatch batch, FewShotOptions o, string? list, Func<string, string> key)
    {
        if (string.IsNullOrWhiteSpace(list)) return batch;
        var keep = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var labels = LabelMap.FromColumn(batch[o.LabelColumnName]);
        var keys = labels.ToKeys(batch[o.LabelColumnName]).Values.Span;
        var rows = new List<int>();
        for (int i = 0; i < keys.Length; i++) if (keep.Contains(key(labels.Labels[(int)keys[i]]))) rows.Add(i);
        if (rows.Count == 0) throw new ArgumentException($"no rows belong to {list}");
        return batch.Gather(rows.ToArray());
    }
}
