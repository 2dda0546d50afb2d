using MLExtensions.Data;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// Lists image folders for few-shot learning: the class of an image is the path, relative to its root, of the folder
/// that holds it, with '/' separators (<c>root/Alphabet/character07/x.png</c> is class <c>Alphabet/character07</c>);
/// its group is the first segment (<c>Alphabet</c>).
/// </summary>
public static class FewShotImageFolder
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp" };

    /// <summary>
    /// Lists the images under every root (merged; the same class path under two roots is one class) into a batch with
    /// an image path column and a text label column, in ordinal order of class then file.
    /// </summary>
    public static DataBatch Load(IEnumerable<string> roots, string imageColumnName = "ImagePath", string labelColumnName = "Label")
    {
        var rows = new List<(string Label, string Path)>();
        int rootCount = 0;
        foreach (var r in roots)
        {
            rootCount++;
            var root = Path.GetFullPath(r);
            if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"image folder not found: {root}");
            int before = rows.Count;
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (!Extensions.Contains(Path.GetExtension(file))) continue;
                var rel = Path.GetRelativePath(root, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '/');
                if (rel == ".")
                    throw new InvalidDataException(
                        $"{file} lies directly in {root}; images must sit in one folder per class (for example {Path.Combine(root, "classA", "1.png")})");
                rows.Add((rel, file));
            }
            if (rows.Count == before) throw new InvalidDataException($"no images (.png, .jpg, .jpeg, .bmp) found under {root}");
        }
        if (rootCount == 0) throw new ArgumentException("no image folder given");
        rows.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Label, b.Label);
            return c != 0 ? c : string.CompareOrdinal(a.Path, b.Path);
        });
        return new DataBatch(
            new ImagePathColumn(imageColumnName, rows.Select(x => x.Path).ToArray()),
            new TextColumn(labelColumnName, rows.Select(x => x.Label).ToArray()));
    }

    /// <summary>Lists one root (see <see cref="Load(IEnumerable{string}, string, string)"/>).</summary>
    public static DataBatch Load(string root, string imageColumnName = "ImagePath", string labelColumnName = "Label") =>
        Load([root], imageColumnName, labelColumnName);

    /// <summary>Lists every image under <paramref name="root"/> at any depth (no classes), in ordinal order.</summary>
    public static DataBatch LoadUnlabelled(string root, string imageColumnName = "ImagePath")
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"image folder not found: {full}");
        var files = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new InvalidDataException($"no images (.png, .jpg, .jpeg, .bmp) found under {full}");
        return new DataBatch(new ImagePathColumn(imageColumnName, files));
    }

    /// <summary>The group of a class path: its first '/'-separated segment (the whole name when it has none).</summary>
    public static string GroupOf(string classPath)
    {
        int i = classPath.IndexOf('/');
        return i < 0 ? classPath : classPath[..i];
    }
}
