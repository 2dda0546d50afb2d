using System.Globalization;

namespace MLExtensions.Data;

/// <summary>
/// The ordered set of label values a model knows (key k is <see cref="Labels"/>[k]), built from a training column
/// and saved in the model file, so a model maps labels to keys and back exactly as it did when trained.
/// </summary>
public sealed class LabelMap
{
    private readonly Dictionary<string, int> _index;

    /// <summary>A map over <paramref name="labels"/>, in that order; labels must be unique.</summary>
    public LabelMap(IEnumerable<string> labels)
    {
        Labels = labels.ToArray();
        _index = new Dictionary<string, int>(Labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < Labels.Count; i++)
            if (!_index.TryAdd(Labels[i], i)) throw new ArgumentException($"label '{Labels[i]}' appears twice", nameof(labels));
    }

    /// <summary>The labels; key k stands for Labels[k].</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The number of labels.</summary>
    public int Count => Labels.Count;

    /// <summary>
    /// The labels of a column: the key names of a key column that has them, otherwise the distinct values
    /// (numbers in numeric order, text in ordinal order).
    /// </summary>
    public static LabelMap FromColumn(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column switch
        {
            KeyColumn { KeyNames: { } names } => new LabelMap(names),
            KeyColumn k => new LabelMap(Distinct(k.Values.Span).Order().Select(v => v.ToString(CultureInfo.InvariantCulture))),
            FloatColumn f => new LabelMap(DistinctLabels(f)),
            StringColumn s => new LabelMap(Distinct(s.Values.Span).Order(StringComparer.Ordinal)),
            _ => throw new ArgumentException($"column '{column.Name}' ({column.Schema.TypeDescription}) cannot be a label; use a Key, Float or Text column"),
        };
    }

    private static IEnumerable<string> DistinctLabels(FloatColumn f)
    {
        var span = f.Values.Span;
        for (int i = 0; i < span.Length; i++)
            if (float.IsNaN(span[i])) throw new ArgumentException($"column '{f.Name}', row {i}: a label is missing (NaN)");
        return Distinct(span).Order().Select(Format);
    }

    private static HashSet<T> Distinct<T>(ReadOnlySpan<T> values)
    {
        var set = new HashSet<T>();
        foreach (var v in values) set.Add(v);
        return set;
    }

    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The key of <paramref name="label"/>, or -1 when unknown.</summary>
    public int IndexOf(string label) => _index.TryGetValue(label, out var i) ? i : -1;

    /// <summary>
    /// Converts a label column to keys named by this map. A value the map does not know is an error naming the row,
    /// unless <paramref name="unknownAsMinusOne"/> is set (then its key is -1 and the column has no key names).
    /// </summary>
    public KeyColumn ToKeys(DataColumn column, string? outputName = null, bool unknownAsMinusOne = false)
    {
        ArgumentNullException.ThrowIfNull(column);
        var keys = new long[column.RowCount];
        bool anyUnknown = false;
        for (int r = 0; r < keys.Length; r++)
        {
            var label = column switch
            {
                KeyColumn k => k.GetName(r),
                FloatColumn f => Format(f.Values.Span[r]),
                StringColumn s => s.Values.Span[r],
                _ => throw new ArgumentException($"column '{column.Name}' ({column.Schema.TypeDescription}) cannot be a label"),
            };
            int key = IndexOf(label);
            if (key < 0)
            {
                if (!unknownAsMinusOne)
                    throw new ArgumentException(
                        $"column '{column.Name}', row {r}: label '{label}' is not one of the {Count} known labels ({Preview()})");
                anyUnknown = true;
            }
            keys[r] = key;
        }
        return new KeyColumn(outputName ?? column.Name, keys, anyUnknown ? null : Labels);
    }

    private string Preview() => Count <= 10 ? string.Join(", ", Labels) : string.Join(", ", Labels.Take(10)) + ", ...";

    /// <inheritdoc />
    public override string ToString() => $"LabelMap({Count}: {Preview()})";
}
