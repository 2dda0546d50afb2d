namespace MLExtensions.Tests.Pack;

/// <summary>The repository's data files and throw-away folders for tests.</summary>
internal static class TestData
{
    /// <summary>data/digits.csv.gz: header label,p0..p63; 1,797 rows; 10 classes.</summary>
    public static string DigitsPath => Support.RepoData.DigitsPath;

    /// <summary>The first data row of digits.csv.gz.</summary>
    public static readonly float[] DigitsRow0 =
    [
        0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
        0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
    ];

    /// <summary>A new empty folder, deleted when disposed.</summary>
    public static TempFolder NewFolder() => new();
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlext-pack-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
