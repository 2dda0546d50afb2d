using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLExtensions.Data;

namespace MLExtensions.Model;

/// <summary>model.json ⇄ <see cref="ModelManifest"/>, with messages that say which field is wrong.</summary>
internal static class ManifestJson
{
    public static byte[] Write(ModelManifest m)
    {
        var root = new JsonObject
        {
            ["formatVersion"] = ModelFile.CurrentFormatVersion,
            ["component"] = m.Component,
            ["componentVersion"] = m.ComponentVersion,
            ["libraryVersion"] = m.LibraryVersion,
            ["createdAt"] = m.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["parameterCount"] = m.ParameterCount,
            ["options"] = m.Options.DeepClone(),
            ["maps"] = new JsonObject(m.Maps.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray())))),
            ["inputSchema"] = m.InputSchema is null ? null : WriteSchema(m.InputSchema),
            ["outputSchema"] = m.OutputSchema is null ? null : WriteSchema(m.OutputSchema),
            ["metrics"] = new JsonObject(m.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, double.IsFinite(kv.Value)
                    ? (JsonNode?)JsonValue.Create(kv.Value)
                    : JsonValue.Create(kv.Value.ToString(CultureInfo.InvariantCulture))))),
            ["extra"] = m.Extra.DeepClone(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(root, ModelManifest.JsonOptions);
    }

    private static JsonArray WriteSchema(DataSchema schema) => new(schema.Select(c =>
    {
        var o = new JsonObject { ["name"] = c.Name, ["kind"] = c.Kind.ToString() };
        if (c.Kind == ColumnKind.FloatVector) o["size"] = c.VectorSize;
        if (c.SlotNames != null) o["slotNames"] = new JsonArray(c.SlotNames.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        if (c.KeyNames != null) o["keyNames"] = new JsonArray(c.KeyNames.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        return (JsonNode?)o;
    }).ToArray());

    /// <summary>Parses model.json; every message starts with "model.json in {fileName}".</summary>
    public static ModelManifest Read(byte[] json, string fileName, string path)
    {
        var where = $"{ModelFile.ManifestEntryName} in {fileName}";
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                   ?? throw new ModelFileException(path, $"{where} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"{where} is not valid JSON ({e.Message}); the file is damaged or was not written by MLExtensions", e);
        }
        ModelFileException Bad(string field, string problem) => new(path, $"{where}: '{field}' {problem}");

        int format = Int(root, "formatVersion", Bad);
        if (format < 1) throw Bad("formatVersion", $"is {format}; valid versions start at 1");
        if (format > ModelFile.CurrentFormatVersion)
            throw new ModelFileException(path,
                $"{fileName} was written by a newer MLExtensions (format {format}); this build reads format ≤ {ModelFile.CurrentFormatVersion}. Update MLExtensions to load it.");

        var component = Str(root, "component", Bad);
        if (component.Length == 0) throw Bad("component", "is empty");
        int componentVersion = Int(root, "componentVersion", Bad);
        if (componentVersion < 1) throw Bad("componentVersion", $"is {componentVersion}; valid versions start at 1");
        var m = new ModelManifest(component, componentVersion) { FormatVersion = format };
        try
        {
            if (root["libraryVersion"] is JsonValue lib && lib.TryGetValue<string>(out var libText)) m.LibraryVersion = libText;
            if (root["createdAt"] is JsonValue created)
                m.CreatedAt = created.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at : throw Bad("createdAt", "is not an ISO 8601 date");
            if (root["parameterCount"] is not null) m.ParameterCount = Long(root, "parameterCount", Bad);
            if (root["options"] is { } options)
                m.Options = options as JsonObject ?? throw Bad("options", "is not an object");
            root.Remove("options");
            if (root["extra"] is { } extra)
                m.Extra = extra as JsonObject ?? throw Bad("extra", "is not an object");
            root.Remove("extra");
            if (root["maps"] is { } maps)
            {
                foreach (var (name, value) in maps as JsonObject ?? throw Bad("maps", "is not an object"))
                    m.Maps[name] = Strings(value, $"maps.{name}", Bad);
            }
            if (root["metrics"] is { } metrics)
            {
                foreach (var (name, value) in metrics as JsonObject ?? throw Bad("metrics", "is not an object"))
                    m.Metrics[name] = value is JsonValue v && v.TryGetValue<double>(out var d) ? d
                        : value is JsonValue s && s.TryGetValue<string>(out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var nd) ? nd
                        : throw Bad($"metrics.{name}", "is not a number");
            }
            m.InputSchema = ReadSchema(root["inputSchema"], "inputSchema", Bad);
            m.OutputSchema = ReadSchema(root["outputSchema"], "outputSchema", Bad);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelFileException(path, $"{where} is malformed: {e.Message}", e);
        }
        return m;
    }

    private static DataSchema? ReadSchema(JsonNode? node, string field, Func<string, string, ModelFileException> bad)
    {
        if (node is null) return null;
        var columns = new List<ColumnSchema>();
        int i = 0;
        foreach (var item in node as JsonArray ?? throw bad(field, "is not an array"))
        {
            var f = $"{field}[{i++}]";
            var o = item as JsonObject ?? throw bad(f, "is not an object");
            var name = Str(o, "name", (k, p) => bad($"{f}.{k}", p));
            var kindText = Str(o, "kind", (k, p) => bad($"{f}.{k}", p));
            if (!Enum.TryParse<ColumnKind>(kindText, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
                throw bad($"{f}.kind", $"'{kindText}' is not one of {string.Join(", ", Enum.GetNames<ColumnKind>())}");
            int size = o["size"] is null ? 1 : Int(o, "size", (k, p) => bad($"{f}.{k}", p));
            var slots = o["slotNames"] is { } sn ? Strings(sn, $"{f}.slotNames", bad) : null;
            var keys = o["keyNames"] is { } kn ? Strings(kn, $"{f}.keyNames", bad) : null;
            columns.Add(new ColumnSchema(name, kind, size, slots, keys));
        }
        return new DataSchema(columns);
    }

    private static string[] Strings(JsonNode? node, string field, Func<string, string, ModelFileException> bad) =>
        (node as JsonArray ?? throw bad(field, "is not an array of strings"))
        .Select(v => v is JsonValue s && s.TryGetValue<string>(out var t) ? t : throw bad(field, "holds a value that is not a string"))
        .ToArray();

    private static string Str(JsonObject o, string field, Func<string, string, ModelFileException> bad) =>
        o[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s
        : throw bad(field, o[field] is null ? "is missing" : "is not a string");

    private static int Int(JsonObject o, string field, Func<string, string, ModelFileException> bad) =>
        o[field] is JsonValue v && v.TryGetValue<int>(out var i) ? i
        : o[field] is JsonValue d && d.TryGetValue<double>(out var x) && x == Math.Floor(x) && x >= int.MinValue && x <= int.MaxValue ? (int)x
        : throw bad(field, o[field] is null ? "is missing" : "is not an integer");

    private static long Long(JsonObject o, string field, Func<string, string, ModelFileException> bad) =>
        o[field] is JsonValue v && v.TryGetValue<long>(out var i) ? i
        : throw bad(field, "is not an integer");
}
