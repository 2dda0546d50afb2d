using MLExtensions.Data;
using MLExtensions.Torch;

namespace MLExtensions.Components.FewShot;

/// <summary>A labelled set held as one input tensor: rows, their class indices, class names and class groups.</summary>
internal sealed class FewShotSet : IDisposable
{
    public FewShotSet(Tensor x, int[] rowClass, string[] classNames, string[] classGroups, string[]? classSources = null)
    {
        X = x.DetachFromDisposeScope();
        RowClass = rowClass;
        ClassNames = classNames;
        ClassGroups = classGroups;
        ClassSources = classSources;
    }

    public Tensor X { get; }
    public int[] RowClass { get; }
    public string[] ClassNames { get; }
    public string[] ClassGroups { get; }
    /// <summary>The source of every class (that of its first row), or null when sources are not balanced.</summary>
    public string[]? ClassSources { get; }
    public int RowCount => RowClass.Length;

    /// <summary>Reads the input column and the label column of <paramref name="batch"/> (and, with <paramref name="sources"/>, the source column when the options name one).</summary>
    public static FewShotSet From(FewShotOptions o, bool image, DataBatch batch, Device device, bool sources = false)
    {
        if (batch.RowCount == 0) throw new ArgumentException("the data has no rows");
        if (!batch.Contains(o.LabelColumnName)) throw new ArgumentException(batch.Schema.MissingColumnMessage(o.LabelColumnName));
        var labelColumn = batch[o.LabelColumnName];
        var map = LabelMap.FromColumn(labelColumn);
        var keys = map.ToKeys(labelColumn).Values.Span;
        var rowClass = new int[keys.Length];
        for (int i = 0; i < keys.Length; i++) rowClass[i] = (int)keys[i];
        var names = map.Labels.ToArray();
        string[]? classSources = null;
        if (sources && o.SourceColumnName != null && batch.Contains(o.SourceColumnName))
        {
            if (batch[o.SourceColumnName] is not StringColumn column)
                throw new ArgumentException($"source column '{o.SourceColumnName}' must hold text (got {batch[o.SourceColumnName].Kind})");
            classSources = new string[names.Length];
            for (int i = rowClass.Length - 1; i >= 0; i--) classSources[rowClass[i]] = column[i] ?? "";
        }
        var x = FewShotInput.LoadAll(o, image, batch, device);
        return new FewShotSet(x, rowClass, names, names.Select(FewShotImageFolder.GroupOf).ToArray(), classSources);
    }

    /// <summary>The rows of the given classes (renumbered in the given order).</summary>
    public FewShotSet SubsetOfClasses(IReadOnlyList<int> classes)
    {
        var newIndex = new Dictionary<int, int>();
        for (int i = 0; i < classes.Count; i++) newIndex[classes[i]] = i;
        var rows = Enumerable.Range(0, RowCount).Where(r => newIndex.ContainsKey(RowClass[r])).ToArray();
        using var scope = torch.NewDisposeScope();
        var x = X.IndexSelect(0, Tensor.From(rows.Select(r => (long)r).ToArray()).To(X.Device));
        return new FewShotSet(x, rows.Select(r => newIndex[RowClass[r]]).ToArray(),
            classes.Select(c => ClassNames[c]).ToArray(), classes.Select(c => ClassGroups[c]).ToArray(), ClassSources is { } s ? classes.Select(c => s[c]).ToArray() : null);
    }

    /// <summary>Adds the images rotated by 90, 180 and 270 degrees as three new classes per class.</summary>
    public FewShotSet WithRotations()
    {
        if (X.Dim != 4) throw new ArgumentException("rotations as classes need image input");
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor> { X };
        var cur = X;
        for (int k = 1; k < 4; k++)
        {
            cur = cur.Transpose(2, 3).Flip(3); // 90 degrees clockwise
            parts.Add(cur);
        }
        int c = ClassNames.Length;
        var rowClass = Enumerable.Range(0, 4).SelectMany(k => RowClass.Select(rc => rc + k * c)).ToArray();
        var names = Enumerable.Range(0, 4).SelectMany(k => ClassNames.Select(n => k == 0 ? n : $"{n}@rot{90 * k}")).ToArray();
        var groups = Enumerable.Range(0, 4).SelectMany(_ => ClassGroups).ToArray();
        var sources = ClassSources is { } s ? Enumerable.Range(0, 4).SelectMany(_ => s).ToArray() : null;
        return new FewShotSet(torch.Cat(parts), rowClass, names, groups, sources);
    }

    /// <summary>A sampler over this set.</summary>
    public EpisodeSampler Sampler(int ways, int shots, int queries, bool withinGroup, int seed) =>
        new(RowClass, ClassNames, ClassGroups, ways, shots, queries, withinGroup, seed, ClassSources);

    /// <summary>
    /// Draws <paramref name="count"/> random rows: uniformly, or with <see cref="ClassSources"/> from each source in turn
    /// (starting at a random one), uniformly within it.
    /// </summary>
    public int[] RandomRows(int count, Random random)
    {
        var rows = new int[count];
        if (ClassSources == null)
        {
            for (int i = 0; i < count; i++) rows[i] = random.Next(RowCount);
            return rows;
        }
        _rowsBySource ??= Enumerable.Range(0, RowCount).GroupBy(r => ClassSources[RowClass[r]], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToArray();
        int first = random.Next(_rowsBySource.Length);
        for (int i = 0; i < count; i++)
        {
            var pool = _rowsBySource[(first + i) % _rowsBySource.Length];
            rows[i] = pool[random.Next(pool.Length)];
        }
        return rows;
    }

    private int[][]? _rowsBySource;

    /// <summary>The input rows of <paramref name="rows"/>.</summary>
    public Tensor Rows(int[] rows) => X.IndexSelect(0, Tensor.From(rows.Select(r => (long)r).ToArray()).To(X.Device));

    public void Dispose() => X.Dispose();
}
