using MLExtensions.Data;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.CrossModal;

/// <summary>A small real matching task: coloured shapes on black, each captioned with its colour and shape.</summary>
internal sealed class ShapesData : IDisposable
{
    public static readonly (string Name, byte R, byte G, byte B)[] Colours =
    [
        ("red", 230, 30, 30), ("green", 30, 200, 40), ("blue", 40, 60, 230),
        ("yellow", 230, 220, 30), ("magenta", 220, 40, 220), ("cyan", 40, 220, 220),
    ];

    public static readonly string[] Shapes = ["square", "circle", "stripe"];

    public ShapesData(int size = 32)
    {
        Folder = Path.Combine(Path.GetTempPath(), "mlext-cm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Folder, "images"));
        var lines = new List<string> { "image_path\tcaption" };
        foreach (var (colour, r, g, b) in Colours)
            foreach (var shape in Shapes)
            {
                var rel = $"images/{colour}-{shape}.png";
                TestPng.Write(Path.Combine(Folder, rel), size, size, 3, (x, y, c) =>
                    Inside(shape, x, y, size) ? (c == 0 ? r : c == 1 ? g : b) : (byte)0);
                Paths.Add(Path.Combine(Folder, rel));
                Captions.Add($"a {colour} {shape}");
                lines.Add($"{rel}\ta {colour} {shape}");
            }
        TsvPath = Path.Combine(Folder, "pairs.tsv");
        File.WriteAllLines(TsvPath, lines);
    }

    private static bool Inside(string shape, int x, int y, int size)
    {
        double cx = x - size / 2.0 + 0.5, cy = y - size / 2.0 + 0.5, half = size * 0.3;
        return shape switch
        {
            "square" => Math.Abs(cx) <= half && Math.Abs(cy) <= half,
            "circle" => cx * cx + cy * cy <= half * half,
            _ => Math.Abs(cy) <= size * 0.1,
        };
    }

    public string Folder { get; }
    public string TsvPath { get; }
    public List<string> Paths { get; } = [];
    public List<string> Captions { get; } = [];

    public DataBatch Batch() => new(new ImagePathColumn("ImagePath", Paths.ToArray()), new TextColumn("Caption", Captions.ToArray()));

    public void Dispose()
    {
        try { Directory.Delete(Folder, true); } catch (IOException) { }
    }
}
