using MLExtensions.Components.LinkPrediction;
using MLExtensions.Model;

namespace MLExtensions.Tests.Components.LinkPrediction;

/// <summary>Save-then-load round trips of link-prediction models through a temporary model file.</summary>
internal static class SavedModel
{
    /// <summary>
    /// Saves <paramref name="model"/>, lets <paramref name="edit"/> change the file (to imitate older files), loads it,
    /// runs <paramref name="check"/> on the loaded model, and deletes the file.
    /// </summary>
    public static void RoundTrip(LinkPredictionModel model, Action<LinkPredictionModel> check, Action<string>? edit = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kg-{Guid.NewGuid():N}.zip");
        try
        {
            model.Save(path);
            edit?.Invoke(path);
            using var loaded = ModelFile.Load<LinkPredictionModel>(path);
            check(loaded);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
