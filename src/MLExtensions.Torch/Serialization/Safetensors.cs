using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MLExtensions.Torch.Serialization;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian tensor bytes. Output is deterministic (keys sorted ordinally, data laid out
/// in key order, header padded with spaces to a multiple of 8), so the same tensors always give the same bytes.
/// Loading validates the whole header before reading data and throws <see cref="FormatException"/> naming
/// the tensor or field at fault.
/// </summary>
public static class Safetensors
{
    /// <summary>Key of the optional string-to-string metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Largest header accepted on load (the limit the reference implementation uses).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Default bound on the total size of a file accepted by <see cref="Load(Stream, long)"/> (64 GiB).</summary>
    public const long DefaultMaxBytes = 64L << 30;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    // ---- save -----------------------------------------------------------------------------------

    /// <summary>Writes <paramref name="tensors"/> (any device, any layout) and optional metadata to <paramref name="stream"/>.</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var entries = new (string Name, Tensor Tensor, long[] Shape, ScalarType DType, long Bytes)[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (name.Length == 0) throw new ArgumentException("tensor names must not be empty", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor", nameof(tensors));
            var t = tensors[name] ?? throw new ArgumentException($"tensor '{name}' is null", nameof(tensors));
            var dtype = t.DType;
            _ = dtype.SafetensorsName();
            long bytes = t.NumEl * dtype.ElementSize();
            if (bytes > Array.MaxLength)
                throw new ArgumentException($"tensor '{name}' has {bytes} bytes; a single tensor is limited to {Array.MaxLength} bytes", nameof(tensors));
            entries[i] = (name, t, t.Shape, dtype, bytes);
        }

        var header = BuildHeader(entries.Select(e => (e.Name, e.DType, e.Shape, e.Bytes)).ToArray(), metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var e in entries)
        {
            if (e.Bytes == 0) continue;
            stream.Write(e.Tensor.ToBytes());
        }
        stream.Flush();
    }

    /// <summary>Writes the file through a temporary sibling and renames it, so a crash never leaves half a file.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                Save(fs, tensors, metadata);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>The file's bytes for <paramref name="tensors"/> (convenience for small state).</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        Save(ms, tensors, metadata);
        return ms.ToArray();
    }

    private static byte[] BuildHeader((string Name, ScalarType DType, long[] Shape, long Bytes)[] entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal))
                    w.WriteString(key, metadata[key] ?? throw new ArgumentException($"metadata value for '{key}' is null", nameof(metadata)));
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.DType.SafetensorsName());
                w.WriteStartArray("shape");
                foreach (var s in e.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.Bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.Bytes;
            }
            w.WriteEndObject();
        }
        int padding = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < padding; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }

    // ---- load -----------------------------------------------------------------------------------

    /// <summary>Reads a safetensors file; the tensors are new CPU tensors in the caller's dispose scope.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(fs, maxBytes);
    }

    /// <summary>Reads safetensors bytes held in memory.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Deserialize(byte[] bytes, long maxBytes = DefaultMaxBytes)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return Load(ms, maxBytes);
    }

    /// <summary>
    /// Reads safetensors from <paramref name="stream"/> (from its current position). The total size may not
    /// exceed <paramref name="maxBytes"/>; for a seekable stream the data must end exactly at the stream's end.
    /// </summary>
    /// <exception cref="FormatException">The header or the data is malformed; the message says where.</exception>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(Stream stream, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (maxBytes < 8) throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "must allow at least the 8-byte prefix");
        long available = stream.CanSeek ? stream.Length - stream.Position : -1;

        Span<byte> prefix = stackalloc byte[8];
        if (ReadFull(stream, prefix) < 8) throw new FormatException("safetensors: truncated file, fewer than 8 bytes for the header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength < 2 || headerLength > (ulong)MaxHeaderBytes)
            throw new FormatException($"safetensors: header length {headerLength} is out of bounds (2..{MaxHeaderBytes})");
        if (headerLength > (ulong)(maxBytes - 8))
            throw new FormatException($"safetensors: header length {headerLength} exceeds the allowed file size of {maxBytes} bytes");
        if (available >= 0 && (long)headerLength > available - 8)
            throw new FormatException($"safetensors: header length {headerLength} exceeds the {available - 8} bytes left in the file");

        var headerBytes = new byte[(int)headerLength];
        if (ReadFull(stream, headerBytes) < headerBytes.Length)
            throw new FormatException($"safetensors: truncated header, expected {headerLength} bytes");

        var (specs, metadata) = ParseHeader(headerBytes);
        long dataLength = specs.Count == 0 ? 0 : specs[^1].End;
        if (dataLength > maxBytes - 8 - (long)headerLength)
            throw new FormatException($"safetensors: data section of {dataLength} bytes exceeds the allowed file size of {maxBytes} bytes");
        if (available >= 0)
        {
            long haveData = available - 8 - (long)headerLength;
            if (haveData < dataLength)
                throw new FormatException($"safetensors: truncated data, header describes {dataLength} bytes but only {haveData} follow"
                    + TruncatedTensor(specs, haveData));
            if (haveData > dataLength)
                throw new FormatException($"safetensors: {haveData - dataLength} bytes after the last tensor are not described by the header");
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            byte[] buffer = [];
            foreach (var spec in specs)
            {
                int length = (int)(spec.End - spec.Begin);
                if (buffer.Length < length) buffer = new byte[length];
                var span = buffer.AsSpan(0, length);
                int read = ReadFull(stream, span);
                if (read < length)
                    throw new FormatException($"safetensors: truncated data in tensor '{spec.Name}', expected {length} bytes, got {read}");
                if (spec.DType == ScalarType.Bool && span.ContainsAnyExceptInRange((byte)0, (byte)1))
                    throw new FormatException($"safetensors: tensor '{spec.Name}' is BOOL but holds bytes other than 0 and 1");
                tensors.Add(spec.Name, Tensor.FromBytes(span, spec.DType, spec.Shape));
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    private static string TruncatedTensor(List<TensorSpec> specs, long haveData)
    {
        var cut = specs.FirstOrDefault(s => s.End > haveData);
        return cut is null ? "" : $" (tensor '{cut.Name}' needs bytes {cut.Begin}..{cut.End})";
    }

    private static int ReadFull(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private sealed record TensorSpec(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>Parses and validates the header: every field, dtype, size and the offset layout.</summary>
    private static (List<TensorSpec> Specs, Dictionary<string, string> Metadata) ParseHeader(byte[] headerBytes)
    {
        if (headerBytes[0] != (byte)'{') throw new FormatException("safetensors: header does not start with '{'");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes,
                new JsonDocumentOptions { MaxDepth = 8, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new FormatException($"safetensors: header is not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("safetensors: header is not a JSON object");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var specs = new List<TensorSpec>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in root.EnumerateObject())
            {
                var name = prop.Name;
                if (!names.Add(name)) throw new FormatException($"safetensors: key '{name}' appears more than once in the header");
                if (name == MetadataKey)
                {
                    ReadMetadata(prop.Value, metadata);
                    continue;
                }
                specs.Add(ReadSpec(name, prop.Value));
            }
            specs.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            foreach (var s in specs)
            {
                if (s.Begin != expected)
                    throw new FormatException(s.Begin > expected
                        ? $"safetensors: tensor '{s.Name}' starts at byte {s.Begin}, leaving a gap after byte {expected} (data must be contiguous)"
                        : $"safetensors: tensor '{s.Name}' starts at byte {s.Begin}, overlapping the previous tensor which ends at {expected}");
                expected = s.End;
            }
            return (specs, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object) throw new FormatException($"safetensors: '{MetadataKey}' must be an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new FormatException($"safetensors: metadata value '{m.Name}' is not a string");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw new FormatException($"safetensors: metadata key '{m.Name}' appears more than once");
        }
    }

    private static TensorSpec ReadSpec(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new FormatException($"safetensors: entry for tensor '{name}' is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw new FormatException($"safetensors: tensor '{name}' has no string 'dtype'");
        ScalarType dtype;
        try { dtype = ScalarTypeExtensions.FromSafetensorsName(dtypeEl.GetString()!); }
        catch (FormatException e) { throw new FormatException($"safetensors: tensor '{name}': {e.Message}", e); }

        if (!value.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new FormatException($"safetensors: tensor '{name}' has no 'shape' array");
        var shape = new long[shapeEl.GetArrayLength()];
        long numel = 1;
        bool overflow = false;
        int i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0)
                throw new FormatException($"safetensors: tensor '{name}' has a shape entry that is not a non-negative integer: {d.GetRawText()}");
            shape[i++] = v;
            if (!overflow)
            {
                try { numel = checked(numel * v); } catch (OverflowException) { overflow = true; }
            }
        }

        if (!value.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new FormatException($"safetensors: tensor '{name}' needs 'data_offsets' as [begin, end]");
        var begin = OffsetValue(name, offEl[0]);
        var end = OffsetValue(name, offEl[1]);
        if (end < begin) throw new FormatException($"safetensors: tensor '{name}' has data_offsets [{begin}, {end}] with end before begin");

        long bytes;
        if (overflow) bytes = -1;
        else
        {
            try { bytes = checked(numel * dtype.ElementSize()); } catch (OverflowException) { bytes = -1; }
        }
        if (bytes < 0 || end - begin != bytes)
            throw new FormatException($"safetensors: tensor '{name}' of {dtype.SafetensorsName()} [{string.Join(", ", shape)}] needs "
                + (bytes < 0 ? "more bytes than can be addressed" : $"{bytes} bytes") + $" but data_offsets [{begin}, {end}] span {end - begin}");
        if (bytes > Array.MaxLength)
            throw new FormatException($"safetensors: tensor '{name}' has {bytes} bytes, more than one buffer can hold");
        return new TensorSpec(name, dtype, shape, begin, end);
    }

    private static long OffsetValue(string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v) || v < 0)
            throw new FormatException($"safetensors: tensor '{name}' has a data offset that is not a non-negative integer: {e.GetRawText()}");
        return v;
    }
}
