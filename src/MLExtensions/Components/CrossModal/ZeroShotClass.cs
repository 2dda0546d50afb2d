namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A zero-shot class: its label and the texts that describe it (its name, synonyms, its subclasses' names, ...). Each
/// description goes through the templates; <see cref="ZeroShotAggregation"/> says how the descriptions' scores combine.
/// </summary>
public sealed record ZeroShotClass(string Label, IReadOnlyList<string> Descriptions)
{
    /// <summary>A class described by its label alone.</summary>
    public static ZeroShotClass FromName(string label) => new(label, [label]);

    /// <summary>
    /// Classes from a TSV with header <c>label&lt;TAB&gt;description</c>, one description per row, a label on as many
    /// rows as it has descriptions; the classes keep the order of their first row.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">Wrong header, a row without a label or a description, or no rows; the message names the file and line.</exception>
    public static IReadOnlyList<ZeroShotClass> LoadDescriptions(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"class descriptions file not found: {path}", path);
        var order = new List<string>();
        var byLabel = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (lineNo == 1)
            {
                if (!line.StartsWith("label\tdescription", StringComparison.Ordinal))
                    throw new InvalidDataException($"{path}: the header must be 'label<TAB>description', got '{line}'");
                continue;
            }
            if (line.Length == 0) continue;
            var parts = line.Split('\t');
            if (parts.Length < 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
                throw new InvalidDataException($"{path}, line {lineNo}: expected label<TAB>description, both non-empty, got '{line}'");
            var label = parts[0].Trim();
            if (!byLabel.TryGetValue(label, out var list))
            {
                byLabel[label] = list = [];
                order.Add(label);
            }
            var description = parts[1].Trim();
            if (!list.Contains(description, StringComparer.Ordinal)) list.Add(description);
        }
        if (order.Count == 0) throw new InvalidDataException($"{path} has no class descriptions");
        return order.Select(l => new ZeroShotClass(l, byLabel[l])).ToArray();
    }
}
