using System.Globalization;
using System.Text;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// A byte-pair-encoding tokenizer learned from captions.
/// </summary>
/// <remarks>
/// <para>Normalisation: Unicode NFKC, optional lower-casing, runs of white space collapsed to one space, trimmed.
/// Pre-tokenisation: the normalised text splits at spaces into words, and each word into runs of letters/digits and
/// runs of other characters; the last piece of a word carries the end-of-word marker <c>&lt;/w&gt;</c>, so
/// <see cref="Decode"/> restores the normalised text exactly. Merges never cross a piece.</para>
/// <para>Ids: 0 = [PAD], 1 = [UNK], 2 = [BOS], 3 = [EOS], then the learned symbols in the order they were created
/// (single characters sorted ordinally, then one symbol per merge). The vocabulary and the merges are saved in the
/// model file, so ids are identical after loading.</para>
/// <para>Truncation: a text whose tokens do not fit in <see cref="MaxLength"/> (with [BOS] and [EOS]) keeps its first
/// <see cref="MaxLength"/> − 2 tokens; [EOS] is always last.</para>
/// </remarks>
public sealed class BpeTokenizer
{
    /// <summary>The end-of-word marker appended to the last symbol of a word.</summary>
    public const string EndOfWord = "</w>";
    public const int PadId = 0, UnknownId = 1, BeginId = 2, EndId = 3;

    /// <summary>The special tokens, by id.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"];

    private readonly string[] _vocabulary;
    private readonly Dictionary<string, int> _ids;
    private readonly (string Left, string Right)[] _merges;
    private readonly Dictionary<(string, string), int> _mergeRanks;
    private readonly Dictionary<string, int[]> _pieceCache = new(StringComparer.Ordinal);
    private readonly object _cacheGate = new();

    /// <summary>Rebuilds a tokenizer from its vocabulary (specials first) and merges ("left right" per entry).</summary>
    /// <exception cref="InvalidDataException">The vocabulary or the merges are inconsistent.</exception>
    public BpeTokenizer(IReadOnlyList<string> vocabulary, IReadOnlyList<string> merges, int maxLength, bool lowercase)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(merges);
        if (maxLength < 3) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "the maximum length must leave room for [BOS], [EOS] and one token");
        if (vocabulary.Count < SpecialTokens.Count || !vocabulary.Take(SpecialTokens.Count).SequenceEqual(SpecialTokens))
            throw new InvalidDataException($"a tokenizer vocabulary starts with {string.Join(", ", SpecialTokens)}");
        _vocabulary = vocabulary.ToArray();
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _vocabulary.Length; i++)
            if (!_ids.TryAdd(_vocabulary[i], i)) throw new InvalidDataException($"the tokenizer vocabulary holds '{_vocabulary[i]}' twice");
        _merges = new (string, string)[merges.Count];
        _mergeRanks = new Dictionary<(string, string), int>();
        for (int i = 0; i < merges.Count; i++)
        {
            var parts = merges[i].Split(' ');
            if (parts.Length != 2 || !_ids.ContainsKey(parts[0]) || !_ids.ContainsKey(parts[1]) || !_ids.ContainsKey(parts[0] + parts[1]))
                throw new InvalidDataException($"tokenizer merge {i} ('{merges[i]}') does not fit the vocabulary");
            _merges[i] = (parts[0], parts[1]);
            _mergeRanks.TryAdd(_merges[i], i);
        }
        MaxLength = maxLength;
        Lowercase = lowercase;
    }

    /// <summary>The most ids <see cref="Encode(string)"/> returns, [BOS] and [EOS] included.</summary>
    public int MaxLength { get; }

    /// <summary>Whether text is lower-cased before tokenisation.</summary>
    public bool Lowercase { get; }

    /// <summary>The number of ids (specials included).</summary>
    public int VocabularySize => _vocabulary.Length;

    /// <summary>The symbols by id.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>The merges in the order they were learned, as "left right".</summary>
    public IReadOnlyList<string> Merges => _merges.Select(m => m.Left + " " + m.Right).ToArray();

    /// <summary>
    /// Learns a vocabulary of at most <paramref name="vocabularySize"/> ids from <paramref name="texts"/>: every character
    /// seen, then the most frequent adjacent pair merged, again and again (ties broken ordinally, so the result does not
    /// depend on the order of the texts), until the size is reached or no pair occurs twice.
    /// </summary>
    public static BpeTokenizer Learn(IEnumerable<string> texts, int vocabularySize = 2000, int maxLength = 32, bool lowercase = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var pieceCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var piece in Pieces(Normalize(text ?? "", lowercase)))
                pieceCounts[piece] = pieceCounts.GetValueOrDefault(piece) + 1;

        // Each distinct piece as a symbol list with its count.
        var words = pieceCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Symbols: InitialSymbols(kv.Key), Count: kv.Value)).ToList();
        var vocabulary = new List<string>(SpecialTokens);
        vocabulary.AddRange(words.SelectMany(w => w.Symbols).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var known = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        var merges = new List<string>();

        while (vocabulary.Count < vocabularySize)
        {
            var pairCounts = new Dictionary<(string, string), int>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + count;
                }
            (string? L, string? R) best = default;
            int bestCount = 0;
            foreach (var (pair, count) in pairCounts)
            {
                if (count < 2) continue;
                if (best.L is null || count > bestCount || (count == bestCount && ComparePairs(pair, (best.L, best.R!)) < 0))
                {
                    best = pair;
                    bestCount = count;
                }
            }
            if (best.L is null || best.R is null) break;
            var merged = best.L + best.R;
            merges.Add(best.L + " " + best.R);
            if (known.Add(merged)) vocabulary.Add(merged);
            foreach (var (symbols, _) in words) MergeInPlace(symbols, best.L, best.R);
        }
        return new BpeTokenizer(vocabulary, merges, maxLength, lowercase);
    }

    private static int ComparePairs((string L, string R) a, (string L, string R) b)
    {
        int c = string.CompareOrdinal(a.L, b.L);
        return c != 0 ? c : string.CompareOrdinal(a.R, b.R);
    }

    /// <summary>The text as the tokenizer sees it: NFKC, optionally lower-cased, white space collapsed, trimmed.</summary>
    public string Normalize(string text) => Normalize(text, Lowercase);

    private static string Normalize(string text, bool lowercase)
    {
        var s = text.Normalize(NormalizationForm.FormKC);
        if (lowercase) s = s.ToLowerInvariant();
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (var ch in s)
        {
            if (char.IsWhiteSpace(ch)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    // Words split at spaces, then into runs of letters/digits and runs of other characters; the last run of a word
    // carries the end-of-word marker.
    private static IEnumerable<string> Pieces(string normalized)
    {
        foreach (var word in normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int start = 0;
            for (int i = 1; i <= word.Length; i++)
            {
                if (i < word.Length && IsWordChar(word, i) == IsWordChar(word, i - 1)) continue;
                if (i < word.Length && char.IsLowSurrogate(word[i])) continue;
                var piece = word[start..i];
                yield return i == word.Length ? piece + EndOfWord : piece;
                start = i;
            }
        }
    }

    private static bool IsWordChar(string s, int i) => char.IsLetterOrDigit(s, i) || char.IsSurrogate(s[i]);

    private static List<string> InitialSymbols(string piece)
    {
        bool end = piece.EndsWith(EndOfWord, StringComparison.Ordinal);
        var body = end ? piece[..^EndOfWord.Length] : piece;
        var symbols = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(body);
        while (e.MoveNext()) symbols.Add((string)e.Current);
        if (end && symbols.Count > 0) symbols[^1] += EndOfWord;
        return symbols;
    }

    private static void MergeInPlace(List<string> symbols, string left, string right)
    {
        for (int i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] != left || symbols[i + 1] != right) continue;
            symbols[i] = left + right;
            symbols.RemoveAt(i + 1);
        }
    }

    /// <summary>
    /// The ids of <paramref name="text"/>: [BOS], the tokens, [EOS], truncated to <see cref="MaxLength"/> (see remarks).
    /// Characters never seen in training become [UNK].
    /// </summary>
    public int[] Encode(string text) => Encode(text, out _);

    /// <summary>As <see cref="Encode(string)"/>; <paramref name="truncated"/> tells whether tokens were dropped.</summary>
    public int[] Encode(string text, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int> { BeginId };
        foreach (var piece in Pieces(Normalize(text))) ids.AddRange(EncodePiece(piece));
        truncated = ids.Count + 1 > MaxLength;
        if (truncated) ids.RemoveRange(MaxLength - 1, ids.Count - (MaxLength - 1));
        ids.Add(EndId);
        return ids.ToArray();
    }

    private int[] EncodePiece(string piece)
    {
        lock (_cacheGate)
            if (_pieceCache.TryGetValue(piece, out var cached)) return cached;
        var symbols = InitialSymbols(piece);
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, at = -1;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_mergeRanks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank) { bestRank = rank; at = i; }
            if (at < 0) break;
            var (l, r) = _merges[bestRank];
            MergeInPlace(symbols, l, r);
        }
        var ids = symbols.Select(s => _ids.TryGetValue(s, out var id) ? id : UnknownId).ToArray();
        lock (_cacheGate)
            if (_pieceCache.Count < 100_000) _pieceCache[piece] = ids;
        return ids;
    }

    /// <summary>The text of <paramref name="ids"/>: special tokens are skipped, end-of-word markers become spaces.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _vocabulary.Length) throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary (0..{_vocabulary.Length - 1})");
            if (id == UnknownId) { sb.Append('\uFFFD'); continue; }
            if (id < SpecialTokens.Count) continue;
            sb.Append(_vocabulary[id]);
        }
        return sb.Replace(EndOfWord, " ").ToString().TrimEnd(' ');
    }
}
