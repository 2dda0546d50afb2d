using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>Captions to padded id batches, with clear errors for empty captions.</summary>
internal static class CaptionInputs
{
    /// <summary>
    /// Token ids of <paramref name="captions"/> as [N, T] int64 on <paramref name="device"/>, padded with 0 to the longest
    /// (T ≤ the tokenizer's maximum; longer captions are truncated). <paramref name="truncated"/> counts the truncated ones.
    /// </summary>
    /// <exception cref="ArgumentException">A caption is empty or white space only.</exception>
    public static Tensor Encode(BpeTokenizer tokenizer, IReadOnlyList<string> captions, Device device, out int truncated, int firstRow = 0)
    {
        truncated = 0;
        var rows = new int[captions.Count][];
        int longest = 1;
        for (int i = 0; i < captions.Count; i++)
        {
            var c = captions[i];
            if (string.IsNullOrWhiteSpace(c)) throw new ArgumentException($"row {firstRow + i}: the caption is empty");
            rows[i] = tokenizer.Encode(c, out bool cut);
            if (cut) truncated++;
            longest = Math.Max(longest, rows[i].Length);
        }
        var ids = new long[captions.Count * longest];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++) ids[i * longest + j] = rows[i][j];
        using var host = Tensor.From(ids, captions.Count, longest);
        return host.To(device);
    }
}
