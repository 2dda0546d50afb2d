namespace MLExtensions.Model;

/// <summary>Rebuilds a fitted model of one component from the content of its model file.</summary>
public delegate ITransformer ModelLoader(LoadedModel model, MLExtContext context);

/// <summary>
/// Which components <see cref="ModelFile.Load"/> can rebuild, and up to which component version. The pack's own
/// components are registered on first use; applications may register their own.
/// </summary>
public static class ModelComponentRegistry
{
    private sealed record Registration(int CurrentVersion, ModelLoader Loader);

    private static readonly Dictionary<string, Registration> Loaders = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    static ModelComponentRegistry()
    {
        foreach (var (name, version, loader) in BuiltInComponents.All) Loaders[name] = new Registration(version, loader);
    }

    /// <summary>
    /// Registers (or replaces) the loader of <paramref name="component"/>, which reads files of component versions
    /// 1..<paramref name="currentVersion"/>.
    /// </summary>
    public static void Register(string component, int currentVersion, ModelLoader loader)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentOutOfRangeException.ThrowIfLessThan(currentVersion, 1);
        ArgumentNullException.ThrowIfNull(loader);
        lock (Gate) Loaders[component] = new Registration(currentVersion, loader);
    }

    /// <summary>The registered component names, sorted.</summary>
    public static IReadOnlyList<string> KnownComponents
    {
        get { lock (Gate) return Loaders.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }

    /// <summary>Whether <paramref name="component"/> has a loader.</summary>
    public static bool IsKnown(string component)
    {
        lock (Gate) return Loaders.ContainsKey(component);
    }

    /// <summary>The loader for a manifest, or a <see cref="ModelFileException"/> saying why there is none.</summary>
    internal static ModelLoader Resolve(ModelManifest manifest, string path)
    {
        Registration? r;
        lock (Gate) Loaders.TryGetValue(manifest.Component, out r);
        var file = Path.GetFileName(path);
        if (r is null)
        {
            var known = KnownComponents;
            throw new ModelFileException(path,
                $"{file}: component '{manifest.Component}' is not known; known: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}");
        }
        if (manifest.ComponentVersion > r.CurrentVersion)
            throw new ModelFileException(path,
                $"{file} holds a {manifest.Component} of version {manifest.ComponentVersion}, written by a newer MLExtensions; " +
                $"this build reads {manifest.Component} versions ≤ {r.CurrentVersion}");
        return r.Loader;
    }
}
