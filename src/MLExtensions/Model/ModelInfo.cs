using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Data;

namespace MLExtensions.Model;

/// <summary>A summary of a model file read without loading its weights (what <c>mlext info</c> prints).</summary>
public sealed class ModelInfo
{
    internal ModelInfo(string filePath, long fileBytes, long weightsBytes, ModelManifest manifest)
    {
        FilePath = filePath;
        FileBytes = fileBytes;
        WeightsBytes = weightsBytes;
        Manifest = manifest;
    }

    /// <summary>The full path of the model file.</summary>
    public string FilePath { get; }

    /// <summary>The size of the zip on disk.</summary>
    public long FileBytes { get; }

    /// <summary>The uncompressed size of weights.safetensors (0 without weights).</summary>
    public long WeightsBytes { get; }

    /// <summary>The whole manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The component that reads the model.</summary>
    public string Component => Manifest.Component;

    /// <summary>The component's layout version.</summary>
    public int ComponentVersion => Manifest.ComponentVersion;

    /// <summary>The model file format version.</summary>
    public int FormatVersion => Manifest.FormatVersion;

    /// <summary>The training options.</summary>
    public JsonObject Options => Manifest.Options;

    /// <summary>The number of learned scalars.</summary>
    public long ParameterCount => Manifest.ParameterCount;

    /// <summary>The metrics recorded at training time.</summary>
    public IReadOnlyDictionary<string, double> Metrics => Manifest.Metrics;

    /// <summary>Whether this build has a loader for the component.</summary>
    public bool IsComponentKnown => ModelComponentRegistry.IsKnown(Component);

    /// <summary>The summary as JSON: file, component, versions, parameter count, options, metrics, map sizes, schema.</summary>
    public JsonObject ToJson()
    {
        var metrics = new JsonObject();
        foreach (var kv in Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            metrics[kv.Key] = double.IsFinite(kv.Value) ? JsonValue.Create(kv.Value) : JsonValue.Create(kv.Value.ToString(CultureInfo.InvariantCulture));
        var maps = new JsonObject();
        foreach (var kv in Manifest.Maps.OrderBy(kv => kv.Key, StringComparer.Ordinal)) maps[kv.Key] = kv.Value.Count;
        return new JsonObject
        {
            ["file"] = FilePath,
            ["file_bytes"] = FileBytes,
            ["component"] = Component,
            ["component_version"] = ComponentVersion,
            ["component_known"] = IsComponentKnown,
            ["format_version"] = FormatVersion,
            ["library_version"] = Manifest.LibraryVersion,
            ["created_at"] = Manifest.CreatedAt.ToString("o", CultureInfo.InvariantCulture),
            ["parameter_count"] = ParameterCount,
            ["weights_bytes"] = WeightsBytes,
            ["options"] = Options.DeepClone(),
            ["metrics"] = metrics,
            ["maps"] = maps,
            ["input_schema"] = Manifest.InputSchema?.ToString(),
            ["output_schema"] = Manifest.OutputSchema?.ToString(),
        };
    }

    /// <summary>A multi-line, human-readable summary.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string label, string value) => sb.Append(inv, $"{label,-12}{value}\n");
        Line("File:", $"{FilePath} ({Bytes(FileBytes)})");
        Line("Component:", $"{Component} (version {ComponentVersion}){(IsComponentKnown ? "" : " — not known to this build")}");
        Line("Format:", $"{FormatVersion}, written by MLExtensions {Manifest.LibraryVersion} on {Manifest.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", inv)}");
        Line("Parameters:", ParameterCount.ToString("N0", inv) + $" (weights {Bytes(WeightsBytes)})");
        if (Manifest.InputSchema != null) Line("Input:", Manifest.InputSchema.ToString());
        if (Manifest.OutputSchema != null) Line("Output:", Manifest.OutputSchema.ToString());
        if (Manifest.Maps.Count > 0)
            Line("Maps:", string.Join(", ", Manifest.Maps.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ({kv.Value.Count.ToString("N0", inv)})")));
        if (Metrics.Count > 0)
            Line("Metrics:", string.Join(", ", Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} = {kv.Value.ToString("G6", inv)}")));
        Line("Options:", Options.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return sb.ToString();
    }

    private static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1 << 20 => (n / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        < 1 << 30 => (n / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (n / 1073741824.0).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
    };
}
