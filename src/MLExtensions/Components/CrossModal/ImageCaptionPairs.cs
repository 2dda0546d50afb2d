using MLExtensions.Data;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// Reads image-caption pair files: UTF-8 TSV with the header <c>image_path&lt;TAB&gt;caption</c>; relative image paths
/// resolve against the TSV's folder. The batch has an image-path column and a text column (default names
/// "ImagePath" and "Caption").
/// </summary>
public static class ImageCaptionPairs
{
    /// <summary>Loads <paramref name="tsvPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The header or a line is malformed.</exception>
    public static DataBatch Load(string tsvPath, string imageColumnName = "ImagePath", string textColumnName = "Caption")
    {
        ArgumentException.ThrowIfNullOrEmpty(tsvPath);
        var full = Path.GetFullPath(tsvPath);
        if (!File.Exists(full)) throw new FileNotFoundException($"pairs file not found: {tsvPath}", full);
        var folder = Path.GetDirectoryName(full)!;
        var images = new List<string>();
        var texts = new List<string>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(full))
        {
            lineNo++;
            if (lineNo == 1)
            {
                var header = line.TrimStart('\uFEFF').Split('\t');
                if (header.Length < 2 || header[0].Trim() != "image_path" || header[1].Trim() != "caption")
                    throw new InvalidDataException($"{tsvPath}: the header must be 'image_path<TAB>caption', got '{line}'");
                continue;
            }
            if (line.Length == 0) continue;
            var parts = line.Split('\t');
            if (parts.Length < 2) throw new InvalidDataException($"{tsvPath}, line {lineNo}: expected image_path<TAB>caption");
            var p = parts[0].Trim();
            if (p.Length == 0) throw new InvalidDataException($"{tsvPath}, line {lineNo}: the image path is empty");
            images.Add(Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(folder, p)));
            texts.Add(parts[1]);
        }
        if (lineNo == 0) throw new InvalidDataException($"{tsvPath} is empty (expected the header 'image_path<TAB>caption')");
        return new DataBatch(new ImagePathColumn(imageColumnName, images.ToArray()), new TextColumn(textColumnName, texts.ToArray()));
    }
}
