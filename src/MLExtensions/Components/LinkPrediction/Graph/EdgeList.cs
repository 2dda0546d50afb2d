using System.Text;
using MLExtensions.Data;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// The undirected edges of a homogeneous graph as (source, target) node names, with where they came from for
/// messages. Read from <c>source&lt;TAB&gt;target</c> files (no header, UTF-8; blank lines skipped; names exact). An
/// edge repeated in one file, in either direction, is dropped and counted (first occurrence kept).
/// </summary>
public sealed class EdgeList
{
    /// <summary>Wraps <paramref name="edges"/>; <paramref name="lineNumbers"/>, when given, has one entry per edge.</summary>
    public EdgeList(IReadOnlyList<(string Source, string Target)> edges, string source = "edges", IReadOnlyList<long>? lineNumbers = null,
                    int duplicatesDropped = 0)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (lineNumbers != null && lineNumbers.Count != edges.Count)
            throw new ArgumentException($"{lineNumbers.Count} line numbers for {edges.Count} edges", nameof(lineNumbers));
        Edges = edges;
        Source = source;
        LineNumbers = lineNumbers;
        DuplicatesDropped = duplicatesDropped;
    }

    /// <summary>The edges, in file order.</summary>
    public IReadOnlyList<(string Source, string Target)> Edges { get; }
    /// <summary>Where the edges came from (a file name), for messages.</summary>
    public string Source { get; }
    /// <summary>The 1-based line of each edge in its file, or null for edges built in code.</summary>
    public IReadOnlyList<long>? LineNumbers { get; }
    /// <summary>Repeated edges the reader left out.</summary>
    public int DuplicatesDropped { get; }
    /// <summary>The number of edges.</summary>
    public int Count => Edges.Count;

    /// <summary>"file line N" (or "edges row N") for edge <paramref name="index"/>, for messages.</summary>
    public string Where(int index) => LineNumbers != null ? $"{Source} line {LineNumbers[index]}" : $"{Source} row {index + 1}";

    /// <summary>Builds a list from tuples, dropping repeats (either direction) like the reader.</summary>
    public static EdgeList From(IEnumerable<(string Source, string Target)> edges, string source = "edges")
    {
        var seen = new HashSet<(string, string)>();
        var kept = new List<(string, string)>();
        int dropped = 0;
        foreach (var (s, t) in edges)
        {
            if (seen.Contains((t, s)) || !seen.Add((s, t))) { dropped++; continue; }
            kept.Add((s, t));
        }
        return new EdgeList(kept, source, null, dropped);
    }

    /// <summary>Reads a <c>source&lt;TAB&gt;target</c> file; a line without two non-empty fields is refused, naming file and line.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataLoadException">A malformed line.</exception>
    public static EdgeList ReadTsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"edges file not found: {path}", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadTsv(reader, Path.GetFileName(path));
    }

    /// <summary>Reads edges from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    public static EdgeList ReadTsv(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var edges = new List<(string, string)>();
        var lines = new List<long>();
        var seen = new HashSet<(string, string)>();
        int dropped = 0;
        foreach (var (lineNo, line, f) in TriplesTsvReader.TabSeparatedLines(reader))
        {
            if (f.Length != 2)
                throw new DataLoadException(source, lineNo, null,
                    $"expected 2 tab-separated fields (source, target), found {f.Length}: '{TriplesTsvReader.Shorten(line)}'");
            if (string.IsNullOrWhiteSpace(f[0])) throw new DataLoadException(source, lineNo, "source", "the source node is empty");
            if (string.IsNullOrWhiteSpace(f[1])) throw new DataLoadException(source, lineNo, "target", "the target node is empty");
            if (seen.Contains((f[1], f[0])) || !seen.Add((f[0], f[1]))) { dropped++; continue; }
            edges.Add((f[0], f[1]));
            lines.Add(lineNo);
        }
        return new EdgeList(edges, source, lines, dropped);
    }
}
