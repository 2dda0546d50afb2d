using System.IO.Compression;

namespace MLExtensions.Tests.Support;

/// <summary>Finds files of this repository (data/digits.csv.gz) from the test output folder.</summary>
public static class RepoData
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MLExtensions.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("repository root (MLExtensions.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    public static string DigitsPath => Path.Combine(Root, "data", "digits.csv.gz");

    /// <summary>The digits set as (features scaled to [0, 1], labels), in file order.</summary>
    public static (float[][] X, long[] Y) LoadDigits()
    {
        using var gz = new GZipStream(File.OpenRead(DigitsPath), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        reader.ReadLine();
        var xs = new List<float[]>();
        var ys = new List<long>();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            ys.Add(long.Parse(parts[0]));
            xs.Add(parts.Skip(1).Select(v => float.Parse(v) / 16f).ToArray());
        }
        return (xs.ToArray(), ys.ToArray());
    }
}
