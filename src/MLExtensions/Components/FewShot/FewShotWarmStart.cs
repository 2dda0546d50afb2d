namespace MLExtensions.Components.FewShot;

/// <summary>
/// Starts training from the encoder of a trained few-shot model (e.g. ProtoNet or Reptile episodes on top of a SimpleShot
/// pre-training, as in Meta-Baseline): checks that the two encoders are the same network, then copies every weight and
/// buffer (the MLP's input standardisation included, so the copied weights see the inputs they were trained on).
/// </summary>
internal static class FewShotWarmStart
{
    /// <summary>Copies <paramref name="initial"/>'s encoder into <paramref name="encoder"/>, built from <paramref name="o"/>.</summary>
    /// <exception cref="ArgumentException">The encoders differ; the message names each setting and both values.</exception>
    public static void Apply(FewShotOptions o, bool image, int featureSize, FewShotEncoder encoder, FewShotModel initial)
    {
        var io = initial.Options;
        var differences = new List<string>();
        void Same<T>(string setting, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs)) differences.Add($"{setting}: {theirs} in the starting model, {mine} here");
        }
        Same("input", image ? "images" : "feature vectors", initial.IsImage ? "images" : "feature vectors");
        if (image && initial.IsImage)
        {
            Same("ImageSize (--image-size)", o.ImageSize, io.ImageSize);
            Same("Grayscale (--grayscale)", o.Grayscale, io.Grayscale);
            Same("ConvChannels (--conv-channels)", o.ConvChannels, io.ConvChannels);
        }
        else if (!image && !initial.IsImage)
        {
            Same("feature vector size", featureSize, initial.FeatureSize);
            Same("HiddenSizes (--hidden)", string.Join(",", o.HiddenSizes), string.Join(",", io.HiddenSizes));
            Same("Standardisation (--standardise)", o.Standardisation, io.Standardisation);
        }
        if (differences.Count > 0)
            throw new ArgumentException("the starting model's encoder is not the one these options build: " + string.Join("; ", differences));
        encoder.LoadStateDict(initial.Encoder.StateDict());
    }
}
