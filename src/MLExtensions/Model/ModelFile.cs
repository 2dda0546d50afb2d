using System.IO.Compression;
using System.Reflection;
using MLExtensions.Torch;
using MLExtensions.Torch.Serialization;

namespace MLExtensions.Model;

/// <summary>
/// Reads and writes model files.
/// </summary>
/// <remarks>
/// <para>A model file is a zip with two entries:</para>
/// <list type="bullet">
/// <item><c>model.json</c> (deflated): format version, component name and version, training options, label/vocabulary/id
/// maps, input and output schema, metrics, creation time, parameter count (see <see cref="ModelManifest"/>).</item>
/// <item><c>weights.safetensors</c> (stored, optional): the tensors by name, readable from Python's safetensors.</item>
/// </list>
/// <para>Saving writes a temporary file in the destination folder and renames it over the destination, so a reader
/// never sees a half-written model and a failed save leaves the previous file untouched. Loading bounds the entry
/// count and the uncompressed sizes (<see cref="ModelFileLimits"/>), accepts only the two entry names, and refuses an
/// unknown format version or component with a <see cref="ModelFileException"/> that names the file.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this build writes, and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The manifest entry name.</summary>
    public const string ManifestEntryName = "model.json";

    /// <summary>The weights entry name.</summary>
    public const string WeightsEntryName = "weights.safetensors";

    /// <summary>The version of this library, recorded in every manifest.</summary>
    public static string LibraryVersion { get; } =
        typeof(ModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelFile).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Saves <paramref name="manifest"/> and <paramref name="weights"/> (any device) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, ModelManifest manifest, IReadOnlyDictionary<string, Tensor>? weights) =>
        Save(path, manifest, WeightsWriter(manifest, weights));

    /// <summary>
    /// Saves <paramref name="manifest"/> and whatever <paramref name="writeWeights"/> writes as weights.safetensors
    /// (null: no weights) to <paramref name="path"/>, atomically: the bytes go to a temporary file in the same folder that
    /// replaces <paramref name="path"/> only once complete; if anything fails, the temporary file is deleted and an existing
    /// file at <paramref name="path"/> is left as it was.
    /// </summary>
    public static void Save(string path, ModelManifest manifest, Action<Stream>? writeWeights)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(manifest);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder", nameof(path));
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                WriteArchive(file, manifest, writeWeights);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes a model file to <paramref name="destination"/> (left open).</summary>
    public static void Save(Stream destination, ModelManifest manifest, IReadOnlyDictionary<string, Tensor>? weights)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(manifest);
        WriteArchive(destination, manifest, WeightsWriter(manifest, weights));
    }

    private static Action<Stream>? WeightsWriter(ModelManifest manifest, IReadOnlyDictionary<string, Tensor>? weights) =>
        weights is null ? null : s => Safetensors.Save(s, weights, new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["mlext.component"] = manifest.Component,
            ["mlext.componentVersion"] = manifest.ComponentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static void WriteArchive(Stream destination, ModelManifest manifest, Action<Stream>? writeWeights)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        var json = ManifestJson.Write(manifest);
        using (var s = zip.CreateEntry(ManifestEntryName, CompressionLevel.Optimal).Open()) s.Write(json);
        if (writeWeights is null) return;
        using (var s = zip.CreateEntry(WeightsEntryName, CompressionLevel.NoCompression).Open())
        using (var buffered = new BufferedStream(s, 1 << 20))
            writeWeights(buffered);
    }

    /// <summary>Reads the manifest and sizes of a model file without loading its weights (any component).</summary>
    /// <exception cref="ModelFileException">The file is damaged, unsafe, too large or of a newer format.</exception>
    public static ModelInfo ReadInfo(string path, ModelFileLimits? limits = null)
    {
        using var archive = ModelArchive.Open(path, limits);
        var manifest = archive.ReadManifest();
        return new ModelInfo(archive.Path, new FileInfo(archive.Path).Length, archive.WeightsBytes, manifest);
    }

    /// <summary>Reads the manifest and the weights (as CPU tensors) of a model file, whatever its component.</summary>
    /// <exception cref="ModelFileException">The file is damaged, unsafe, too large or of a newer format.</exception>
    public static LoadedModel Read(string path, ModelFileLimits? limits = null)
    {
        using var archive = ModelArchive.Open(path, limits);
        return Read(archive);
    }

    /// <summary>Reads a model file from a stream; <paramref name="name"/> names it in errors.</summary>
    public static LoadedModel Read(Stream stream, string name = "model.zip", ModelFileLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = ModelArchive.Open(stream, name, limits);
        return Read(archive);
    }

    private static LoadedModel Read(ModelArchive archive)
    {
        var manifest = archive.ReadManifest();
        var (tensors, metadata) = archive.ReadWeights();
        return new LoadedModel(archive.Path, manifest, tensors, metadata);
    }

    /// <summary>
    /// Loads a model file as the fitted model of its component (see <see cref="ModelComponentRegistry"/>). The component
    /// and its version are checked before the weights are read.
    /// </summary>
    /// <exception cref="ModelFileException">The file is damaged, unsafe, too large, or of an unknown format, component or component version.</exception>
    public static ITransformer Load(string path, MLExtContext? context = null, ModelFileLimits? limits = null)
    {
        using var archive = ModelArchive.Open(path, limits);
        var manifest = archive.ReadManifest();
        var loader = ModelComponentRegistry.Resolve(manifest, archive.Path);
        var (tensors, metadata) = archive.ReadWeights();
        using var loaded = new LoadedModel(archive.Path, manifest, tensors, metadata);
        try
        {
            return loader(loaded, context ?? new MLExtContext());
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException or KeyNotFoundException)
        {
            throw new ModelFileException(archive.Path,
                $"{archive.FileName}: the {manifest.Component} model (version {manifest.ComponentVersion}) is inconsistent: {e.Message}", e);
        }
    }

    /// <summary>Loads a model file and checks that it is a <typeparamref name="T"/>.</summary>
    public static T Load<T>(string path, MLExtContext? context = null, ModelFileLimits? limits = null) where T : ITransformer
    {
        var model = Load(path, context, limits);
        if (model is T typed) return typed;
        var actual = model.GetType().Name;
        model.Dispose();
        throw new ModelFileException(Path.GetFullPath(path), $"{Path.GetFileName(path)} holds a {actual}, not a {typeof(T).Name}");
    }
}
