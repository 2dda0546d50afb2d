using System.Text;
using MLExtensions.Data;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// Reads <c>head&lt;TAB&gt;relation&lt;TAB&gt;tail</c> files (no header; UTF-8). Blank lines are skipped, a trailing
/// carriage return is ignored, names are taken as they are (no trimming: WordNet ids and names with spaces stay
/// exact). A line without exactly three non-empty fields raises a <see cref="DataLoadException"/> that names the
/// file and the line. Repeated triples are dropped and counted, or refused (<see cref="DuplicateTriples"/>).
/// </summary>
public static class TriplesTsvReader
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataLoadException">A malformed line or (with <see cref="DuplicateTriples.Error"/>) a repeated triple.</exception>
    public static LabeledTriples Read(string path, DuplicateTriples duplicates = DuplicateTriples.Drop)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"triples file not found: {path}", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, Path.GetFileName(path), duplicates);
    }

    /// <summary>Reads triples from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    public static LabeledTriples Read(TextReader reader, string source, DuplicateTriples duplicates = DuplicateTriples.Drop)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var triples = new List<LabeledTriple>();
        var lines = new List<long>();
        var firstSeen = new Dictionary<LabeledTriple, long>();
        int dropped = 0;
        foreach (var (lineNo, line, fields) in TabSeparatedLines(reader))
        {
            if (fields.Length != 3)
                throw new DataLoadException(source, lineNo, null,
                    $"expected 3 tab-separated fields (head, relation, tail), found {fields.Length}: '{Shorten(line)}'");
            for (int i = 0; i < 3; i++)
                if (string.IsNullOrWhiteSpace(fields[i]))
                    throw new DataLoadException(source, lineNo, FieldName(i), $"the {FieldName(i)} is empty");
            var triple = new LabeledTriple(fields[0], fields[1], fields[2]);
            if (firstSeen.TryGetValue(triple, out var first))
            {
                if (duplicates == DuplicateTriples.Error)
                    throw new DataLoadException(source, lineNo, null, $"the triple {triple} repeats line {first}");
                dropped++;
                continue;
            }
            firstSeen.Add(triple, lineNo);
            triples.Add(triple);
            lines.Add(lineNo);
        }
        return new LabeledTriples(triples, source, lines, dropped);
    }

    /// <summary>The non-blank lines of <paramref name="reader"/> (a trailing carriage return removed) with their 1-based numbers and tab-separated fields.</summary>
    internal static IEnumerable<(long LineNumber, string Line, string[] Fields)> TabSeparatedLines(TextReader reader)
    {
        long lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNo++;
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            if (!string.IsNullOrWhiteSpace(line)) yield return (lineNo, line, line.Split('\t'));
        }
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    private static string FieldName(int i) => i switch { 0 => "head", 1 => "relation", _ => "tail" };
}
