namespace MLExtensions.Data;

/// <summary>Lists an image folder with one sub-folder per class, in a deterministic (ordinal) order.</summary>
internal static class ImageFolderLoader
{
    public static DataBatch Load(string folder, ImageFolderOptions? options, Action<string>? warn)
    {
        options ??= new ImageFolderOptions();
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"image folder not found: {root}");
        var extensions = new HashSet<string>(options.Extensions.Select(e => e.StartsWith('.') ? e : "." + e), StringComparer.OrdinalIgnoreCase);
        var classDirs = Directory.GetDirectories(root).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0)
            throw new InvalidDataException(
                $"{root} has no class sub-folders; expected one folder per class holding its images (for example {Path.Combine(root, "cat", "001.png")})");

        int loose = Directory.GetFiles(root).Count(f => extensions.Contains(Path.GetExtension(f)));
        if (loose > 0) warn?.Invoke($"{loose} image(s) directly in {root} belong to no class folder and are ignored");

        var search = options.Recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
        var paths = new List<string>();
        var labels = new List<long>();
        var classNames = new List<string>();
        foreach (var dir in classDirs)
        {
            var images = Directory.GetFiles(dir, "*", search)
                .Where(f => extensions.Contains(Path.GetExtension(f)))
                .OrderBy(f => Path.GetRelativePath(dir, f), StringComparer.Ordinal)
                .ToArray();
            if (images.Length == 0)
            {
                warn?.Invoke($"class folder {Path.GetFileName(dir)} holds no images and is left out");
                continue;
            }
            long key = classNames.Count;
            classNames.Add(Path.GetFileName(dir));
            paths.AddRange(images);
            labels.AddRange(Enumerable.Repeat(key, images.Length));
        }
        if (paths.Count == 0)
            throw new InvalidDataException($"no images ({string.Join(", ", extensions.Order(StringComparer.Ordinal))}) found in the class folders of {root}");
        return new DataBatch(
            new ImagePathColumn(options.ImagePathColumnName, paths.ToArray()),
            new KeyColumn(options.LabelColumnName, labels.ToArray(), classNames.ToArray()));
    }
}
