using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MLExtensions.Data;

namespace MLExtensions.Components.Classification;

/// <summary>Reads and checks the feature and label columns of classifier input, with errors that name the row and column.</summary>
public static class ClassifierData
{
    /// <summary>
    /// The feature column of <paramref name="batch"/>, checked against the expected width (and slot names when both sides
    /// have them) and for missing or infinite values. <paramref name="firstRow"/> offsets row numbers in messages (streams).
    /// </summary>
    /// <exception cref="ArgumentException">The column is missing, of another type or width, or holds NaN/infinite values.</exception>
    public static FloatVectorColumn RequireFeatures(DataBatch batch, string name, int? expectedSize = null,
                                                    IReadOnlyList<string>? expectedSlots = null, long firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.TryGetColumn(name, out var column))
            throw new ArgumentException(batch.Schema.MissingColumnMessage(name));
        if (column is not FloatVectorColumn features)
            throw new ArgumentException($"column '{name}' is {column.Schema.TypeDescription}; a feature vector (float vector) is expected");
        if (expectedSize is int size && features.Size != size)
            throw new ArgumentException($"column '{name}' has {features.Size} values per row but the model expects {size}" +
                                        SlotDifference(features.SlotNames, expectedSlots));
        if (expectedSlots != null && features.SlotNames != null && !features.SlotNames.SequenceEqual(expectedSlots, StringComparer.Ordinal))
            throw new ArgumentException($"column '{name}' has other feature columns than the model was trained on" +
                                        SlotDifference(features.SlotNames, expectedSlots));
        CheckFinite(features, firstRow);
        return features;
    }

    /// <summary>Throws at the first NaN or infinite value, naming the row and the feature.</summary>
    public static void CheckFinite(FloatVectorColumn features, long firstRow = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        var span = features.Values.Span;
        if (AllFinite(span)) return;
        for (int i = 0; i < span.Length; i++)
        {
            if (float.IsFinite(span[i])) continue;
            int row = i / features.Size, slot = i % features.Size;
            var slotName = features.SlotNames?[slot] is { } s ? $"'{s}'" : $"#{slot}";
            var what = float.IsNaN(span[i]) ? "missing (NaN or an empty cell)" : "infinite";
            throw new ArgumentException(
                $"row {(firstRow + row).ToString(CultureInfo.InvariantCulture)}, feature {slotName} of column '{features.Name}': the value is {what}; " +
                "fill or drop missing values first");
        }
    }

    /// <summary>Whether every value is finite (x - x is 0 exactly for finite x, NaN otherwise), a vector at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop from the first call: skip the unoptimised JIT tier
    private static bool AllFinite(ReadOnlySpan<float> span)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && span.Length >= Vector<float>.Count)
        {
            var values = MemoryMarshal.Cast<float, Vector<float>>(span);
            var acc = Vector<float>.Zero;
            foreach (var v in values) acc += v - v;
            if (!Vector.EqualsAll(acc, Vector<float>.Zero)) return false;
            i = values.Length * Vector<float>.Count;
        }
        for (; i < span.Length; i++)
            if (!float.IsFinite(span[i])) return false;
        return true;
    }

    /// <summary>The index of the largest value of each row of <paramref name="values"/> (the first one on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop from the first call: skip the unoptimised JIT tier
    internal static void ArgMaxRows(ReadOnlySpan<float> values, int width, Span<long> result)
    {
        for (int r = 0; r < result.Length; r++)
        {
            var row = values.Slice(r * width, width);
            int best = 0;
            float max = row[0];
            for (int k = 1; k < row.Length; k++)
                if (row[k] > max) { max = row[k]; best = k; }
            result[r] = best;
        }
    }

    private static string SlotDifference(IReadOnlyList<string>? actual, IReadOnlyList<string>? expected)
    {
        if (actual is null || expected is null) return "";
        var missing = expected.Except(actual, StringComparer.Ordinal).ToArray();
        var extra = actual.Except(expected, StringComparer.Ordinal).ToArray();
        var parts = new List<string>();
        if (missing.Length > 0) parts.Add("missing: " + List(missing));
        if (extra.Length > 0) parts.Add("unexpected: " + List(extra));
        if (parts.Count == 0) parts.Add("same names in another order");
        return " (" + string.Join("; ", parts) + ")";
    }

    private static string List(string[] names) =>
        names.Length <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(8)) + $" and {names.Length - 8} more";

    /// <summary>Whether the label cell of <paramref name="row"/> is missing (empty text, NaN, or a negative key).</summary>
    public static bool IsMissingLabel(DataColumn column, int row) => column switch
    {
        StringColumn s => string.IsNullOrWhiteSpace(s.Values.Span[row]),
        FloatColumn f => float.IsNaN(f.Values.Span[row]),
        KeyColumn k => k.Values.Span[row] < 0,
        _ => false,
    };

    /// <summary>The label text of <paramref name="row"/> (numbers formatted as <see cref="LabelMap"/> does).</summary>
    public static string LabelText(DataColumn column, int row) => column switch
    {
        StringColumn s => s.Values.Span[row],
        FloatColumn f => f.Values.Span[row].ToString("R", CultureInfo.InvariantCulture),
        KeyColumn k => k.GetName(row),
        _ => throw new ArgumentException($"column '{column.Name}' ({column.Schema.TypeDescription}) cannot be a label; use a Key, Float or Text column"),
    };

    /// <summary>The labels present in <paramref name="column"/>, missing cells left out (numbers in numeric order, text in ordinal order).</summary>
    public static LabelMap LabelsOf(DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column is KeyColumn { KeyNames: { } names }) return new LabelMap(names);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < column.RowCount; r++)
            if (!IsMissingLabel(column, r)) seen.Add(LabelText(column, r));
        bool numeric = column is FloatColumn or KeyColumn ||
                       seen.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var ordered = numeric
            ? seen.OrderBy(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
            : seen.Order(StringComparer.Ordinal);
        return new LabelMap(ordered);
    }

    /// <summary>
    /// The key of each row's label in <paramref name="labels"/>; -1 for a missing label when <paramref name="allowMissing"/>.
    /// An unknown label, or a missing one otherwise, is an error naming the row and the column.
    /// </summary>
    public static long[] ReadKeys(DataColumn column, LabelMap labels, bool allowMissing, long firstRow = 0, string classesOf = "the model's")
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(labels);
        var keys = new long[column.RowCount];
        for (int r = 0; r < keys.Length; r++)
        {
            if (IsMissingLabel(column, r))
            {
                if (!allowMissing)
                    throw new ArgumentException($"row {firstRow + r} of column '{column.Name}': the label is missing");
                keys[r] = -1;
                continue;
            }
            var text = LabelText(column, r);
            int key = labels.IndexOf(text);
            if (key < 0)
                throw new ArgumentException(
                    $"row {firstRow + r} of column '{column.Name}': label '{text}' is not one of {classesOf} {labels.Count} classes ({Preview(labels)})");
            keys[r] = key;
        }
        return keys;
    }

    internal static string Preview(LabelMap labels) =>
        labels.Count <= 12 ? string.Join(", ", labels.Labels) : string.Join(", ", labels.Labels.Take(12)) + ", ...";
}
