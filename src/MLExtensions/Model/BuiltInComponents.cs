namespace MLExtensions.Model;

/// <summary>The pack's own components, registered with <see cref="ModelComponentRegistry"/> on first use.</summary>
internal static class BuiltInComponents
{
    /// <summary>Name, current component version and loader of each built-in component.</summary>
    public static readonly (string Name, int Version, ModelLoader Loader)[] All =
    [
        (Components.LinkPrediction.LinkPredictionModel.ComponentName, Components.LinkPrediction.LinkPredictionModel.ComponentVersion,
         Components.LinkPrediction.LinkPredictionModel.Load),
        (Components.LinkPrediction.GraphLinkPredictionModel.ComponentName, Components.LinkPrediction.GraphLinkPredictionModel.ComponentVersion,
         Components.LinkPrediction.GraphLinkPredictionModel.Load),
        (Components.CrossModal.CrossModalEncoderModel.ComponentName, Components.CrossModal.CrossModalEncoderModel.ComponentVersion, Components.CrossModal.CrossModalEncoderModel.Load),
        (Components.Classification.NeuralClassifier.ComponentName, Components.Classification.NeuralClassifier.ComponentVersion, Components.Classification.NeuralClassifierModel.Load),
        (Components.Distillation.DistilledStudent.ComponentName, Components.Distillation.DistilledStudent.ComponentVersion, Components.Classification.NeuralClassifierModel.Load),
        (Components.FewShot.FewShotModel.ComponentName, 1, Components.FewShot.FewShotModel.Load),
        (Components.FewShot.FewShotClassifier.ComponentName, 1, Components.FewShot.FewShotClassifier.Load),
    ];
}
