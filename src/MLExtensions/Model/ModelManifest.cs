using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MLExtensions.Data;

namespace MLExtensions.Model;

/// <summary>
/// The model.json of a model file: which component wrote it and in which version, the options it was trained with,
/// its label/vocabulary/id maps, its input and output schema and its metrics. Everything needed to rebuild the
/// model except the weights.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>Serializer settings for option objects (enums as names, NaN allowed, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Creates a manifest for <paramref name="component"/> at <paramref name="componentVersion"/>.</summary>
    public ModelManifest(string component, int componentVersion = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentVersion, 1);
        Component = component;
        ComponentVersion = componentVersion;
    }

    /// <summary>The model file format version (<see cref="ModelFile.CurrentFormatVersion"/> when written by this build).</summary>
    public int FormatVersion { get; internal set; } = ModelFile.CurrentFormatVersion;

    /// <summary>The component that reads this model (for example "FewShotClassifier").</summary>
    public string Component { get; }

    /// <summary>The version of the component's own layout (options, weight names); bumped when it changes.</summary>
    public int ComponentVersion { get; }

    /// <summary>The version of MLExtensions that wrote the file.</summary>
    public string LibraryVersion { get; set; } = ModelFile.LibraryVersion;

    /// <summary>When the model was trained or saved (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The number of learned scalars (0 for models without weights).</summary>
    public long ParameterCount { get; set; }

    /// <summary>The options the model was trained with, architecture settings included (see <see cref="SetOptions{T}"/>).</summary>
    public JsonObject Options { get; set; } = new();

    /// <summary>Named ordered string lists: label names, vocabularies, entity and relation ids (index = key).</summary>
    public Dictionary<string, IReadOnlyList<string>> Maps { get; } = new(StringComparer.Ordinal);

    /// <summary>The columns the model reads, or null.</summary>
    public DataSchema? InputSchema { get; set; }

    /// <summary>The columns the model adds, or null.</summary>
    public DataSchema? OutputSchema { get; set; }

    /// <summary>Evaluation results at training time (accuracy, MRR, ...).</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Component state that is neither an option nor a weight (for example a fitted temperature).</summary>
    public JsonObject Extra { get; set; } = new();

    /// <summary>Stores an options object (public properties, enums by name).</summary>
    public void SetOptions<T>(T options) =>
        Options = JsonSerializer.SerializeToNode(options, JsonOptions) as JsonObject
                  ?? throw new ArgumentException("options must serialize to a JSON object", nameof(options));

    /// <summary>Reads the options object back.</summary>
    /// <exception cref="InvalidDataException">The stored options do not fit <typeparamref name="T"/>.</exception>
    public T GetOptions<T>()
    {
        try
        {
            return Options.Deserialize<T>(JsonOptions) ?? throw new InvalidDataException("options are null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the options of this {Component} model do not fit {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Stores a label map under "labels" (or <paramref name="name"/>).</summary>
    public void SetLabelMap(LabelMap map, string name = "labels") => Maps[name] = map.Labels.ToArray();

    /// <summary>The label map stored under "labels" (or <paramref name="name"/>).</summary>
    public LabelMap GetLabelMap(string name = "labels") => new(GetMap(name));

    /// <summary>The map called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such map.</exception>
    public IReadOnlyList<string> GetMap(string name) =>
        Maps.TryGetValue(name, out var map) ? map : throw new InvalidDataException(
            $"this {Component} model has no '{name}' map; maps: {(Maps.Count == 0 ? "(none)" : string.Join(", ", Maps.Keys))}");
}
