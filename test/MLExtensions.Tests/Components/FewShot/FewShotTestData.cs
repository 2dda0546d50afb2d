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

    /// <summary>Digits 5-9 (never trained on) split into a support set of the first <paramref name="shots"/> rows of each digit and the rest as queries.</summary>
    public static (DataBatch Support, DataBatch Query) UnseenDigits(int shots)
    {
        var test = DigitsWhere(d => d >= 5);
        var labels = ((TextColumn)test["Label"]).Values.ToArray();
        var support = Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).SelectMany(g => g.Take(shots)).ToArray();
        var query = Enumerable.Range(0, labels.Length).Except(support).ToArray();
        return (test.Gather(support), test.Gather(query));
    }

    /// <summary>The model's <c>Embedding</c> column for <paramref name="rows"/>, one array per row.</summary>
    public static float[][] Embed(MLExtensions.Components.FewShot.FewShotModel model, DataBatch rows)
    {
        var e = model.Transform(rows).GetColumn<FloatVectorColumn>(MLExtensions.Components.FewShot.FewShotModel.EmbeddingColumnName);
        return Enumerable.Range(0, rows.RowCount).Select(i => e.GetRow(i).ToArray()).ToArray();
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlext-fewshot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
