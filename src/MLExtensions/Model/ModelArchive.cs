using System.IO.Compression;
using MLExtensions.Torch;
using MLExtensions.Torch.Serialization;

namespace MLExtensions.Model;

/// <summary>
/// An open model zip, checked on opening: readable, a bounded number of entries, only the expected entry names
/// (which also rules out path traversal), sizes within the limits.
/// </summary>
internal sealed class ModelArchive : IDisposable
{
    private readonly Stream _stream;
    private readonly ZipArchive _zip;
    private readonly ZipArchiveEntry _manifest;
    private readonly ZipArchiveEntry? _weights;
    private readonly bool _ownsStream;

    private ModelArchive(Stream stream, bool ownsStream, string path, ModelFileLimits limits)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        Path = path;
        FileName = System.IO.Path.GetFileName(path);
        try
        {
            _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (_zip.Entries.Count > limits.MaxEntries)
                throw Fail($"{FileName} has {_zip.Entries.Count} zip entries; a model file has at most {limits.MaxEntries}");
        }
        catch (InvalidDataException e)
        {
            throw Fail($"{FileName} is not a readable model file: the zip is truncated or damaged ({e.Message})", e);
        }

        ZipArchiveEntry? manifest = null, weights = null;
        foreach (var entry in _zip.Entries)
        {
            var name = entry.FullName;
            if (IsUnsafe(name))
                throw Fail($"{FileName} contains an entry with an unsafe path '{name}'; a model file holds only {ModelFile.ManifestEntryName} and {ModelFile.WeightsEntryName}");
            ref var slot = ref name == ModelFile.ManifestEntryName ? ref manifest : ref weights;
            if (name != ModelFile.ManifestEntryName && name != ModelFile.WeightsEntryName)
                throw Fail($"{FileName} contains an unexpected entry '{name}'; a model file holds only {ModelFile.ManifestEntryName} and {ModelFile.WeightsEntryName}");
            if (slot != null) throw Fail($"{FileName} contains '{name}' twice");
            slot = entry;
        }
        _manifest = manifest ?? throw Fail($"{FileName} has no {ModelFile.ManifestEntryName}; it is not an MLExtensions model file");
        _weights = weights;
        CheckSize(_manifest, limits.MaxManifestBytes);
        if (_weights != null) CheckSize(_weights, limits.MaxWeightsBytes);
    }

    public string Path { get; }

    public string FileName { get; }

    /// <summary>The declared uncompressed size of the weights (0 without weights).</summary>
    public long WeightsBytes => _weights?.Length ?? 0;

    public static ModelArchive Open(string path, ModelFileLimits? limits)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"model file not found: {full}", full);
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try { return new ModelArchive(stream, ownsStream: true, full, limits ?? ModelFileLimits.Default); }
        catch { stream.Dispose(); throw; }
    }

    public static ModelArchive Open(Stream stream, string name, ModelFileLimits? limits) => new(stream, ownsStream: false, name, limits ?? ModelFileLimits.Default);

    private static bool IsUnsafe(string name) =>
        name.Length == 0 || name.Contains('/') || name.Contains('\\') || name.Contains(':') || name.Contains('\0') ||
        name.Split('/', '\\').Any(p => p == ".." || p == ".");

    private void CheckSize(ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
            throw Fail($"{entry.FullName} in {FileName} is {entry.Length:N0} bytes uncompressed; the limit is {limit:N0} (ModelFileLimits)");
    }

    private ModelFileException Fail(string message, Exception? inner = null) => new(Path, message, inner);

    private Stream OpenChecked(ZipArchiveEntry entry) =>
        // CheckSize has bounded entry.Length by the limits already.
        new CheckedEntryStream(entry.Open(), entry.Length, entry.Crc32,
            problem => Fail($"{entry.FullName} in {FileName} is damaged: {problem}"));

    public ModelManifest ReadManifest()
    {
        byte[] json;
        try
        {
            using var s = OpenChecked(_manifest);
            using var ms = new MemoryStream((int)Math.Min(_manifest.Length, int.MaxValue));
            s.CopyTo(ms);
            json = ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw Fail($"{ModelFile.ManifestEntryName} in {FileName} is damaged ({e.Message})", e);
        }
        return ManifestJson.Read(json, FileName, Path);
    }

    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) ReadWeights()
    {
        if (_weights is null) return (new Dictionary<string, Tensor>(StringComparer.Ordinal), new Dictionary<string, string>());
        try
        {
            using var s = OpenChecked(_weights);
            var (tensors, metadata) = Safetensors.Load(s, Math.Max(8, _weights.Length));
            foreach (var t in tensors.Values) t.DetachFromDisposeScope();
            if (s.ReadByte() >= 0)
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw Fail($"{ModelFile.WeightsEntryName} in {FileName} has bytes after its last tensor; the file is damaged");
            }
            return (tensors, metadata);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Fail($"{ModelFile.WeightsEntryName} in {FileName} is damaged ({e.Message})", e);
        }
    }

    public void Dispose()
    {
        _zip.Dispose();
        if (_ownsStream) _stream.Dispose();
    }
}
