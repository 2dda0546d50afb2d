namespace MLExtensions.Components.CrossModal;

/// <summary>The public entry points of the cross-modal encoder.</summary>
public static class CrossModalCatalog
{
    /// <summary>A trainer of image and text encoders in one embedding space (see <see cref="CrossModalEncoderTrainer"/>).</summary>
    public static CrossModalEncoderTrainer CrossModalEncoder(this MLExtContext context, CrossModalEncoderOptions? options = null) =>
        new(context, options ?? new CrossModalEncoderOptions());

    /// <summary>Loads a model file written by <see cref="CrossModalEncoderModel.Save"/>.</summary>
    public static CrossModalEncoderModel LoadCrossModalEncoder(this MLExtContext context, string path) =>
        CrossModalEncoderModel.Load(path, context);
}
