using MLExtensions.Data;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.FewShot;

/// <summary>The embedded digits set as few-shot data: Features (64 values in [0, 1]) and a text Label.</summary>
internal static class FewShotTestData
{
    private static readonly Lazy<(float[][] X, long[] Y)> Digits = new(RepoData.LoadDigits);

    /// <summary>The rows whose digit satisfies <paramref name="keep"/>.</summary>
    public static DataBatch DigitsWhere(Func<long, bool> keep)
    {
        var (xs, ys) = Digits.Value;
        var rows = Enumerable.Range(0, ys.Length).Where(i => keep(ys[i])).ToArray();
        return new DataBatch(
            FloatVectorColumn.FromRows("Features", rows.Select(i => xs[i]).ToArray()),
            new TextColumn("Label", rows.Select(i => ys[i].ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlext-fewshot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
