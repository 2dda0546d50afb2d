using MLExtensions.Components.FewShot;
using MLExtensions.Data;

namespace MLExtensions.Cli.Commands.FewShot;

/// <summary>Reads the labelled data of the few-shot verbs: image folders (class = relative folder path) or a CSV of features.</summary>
internal static class FewShotData
{
    /// <summary>
    /// Loads and merges <paramref name="sources"/>, keeping the given classes and groups; when the options name a
    /// <see cref="FewShotOptions.SourceColumnName"/>, each row also gets the full path of the folder or file it came from there.
    /// </summary>
    public static DataBatch Load(MLExtContext ctx, IReadOnlyList<string> sources, FewShotOptions o, string? classes, string? groups = null)
    {
        if (sources.Count == 0) throw new ArgumentException("no data given");
        var batch = o.SourceColumnName is { } sourceColumn
            ? DataBatch.Concat(sources.Select(s =>
            {
                var part = Read(ctx, [s], o);
                return part.Append(new TextColumn(sourceColumn, Enumerable.Repeat(Path.GetFullPath(s), part.RowCount).ToArray()));
            }).ToList())
            : Read(ctx, sources, o);
        batch = Filter(batch, o, classes, label => label);
        return Filter(batch, o, groups, FewShotImageFolder.GroupOf);
    }

    private static DataBatch Read(MLExtContext ctx, IReadOnlyList<string> sources, FewShotOptions o)
    {
        if (sources.All(Directory.Exists)) return FewShotImageFolder.Load(sources, o.ImageColumnName, o.LabelColumnName);
        var parts = sources.Select(s => File.Exists(s)
            ? ctx.Data.LoadFromTextFile(s, new TextLoaderOptions
            {
                LabelColumnName = o.LabelColumnName,
                TextColumns = [o.LabelColumnName],
                GatherNumericFeatures = true,
                FeaturesColumnName = o.FeatureColumnName,
            })
            : throw new FileNotFoundException($"no such folder or file: {s}")).ToList();
        return parts.Count == 1 ? parts[0] : DataBatch.Concat(parts);
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
