namespace MLExtensions.Components.Classification;

/// <summary>
/// Options of <see cref="NeuralClassifier"/>: an MLP over a feature vector, trained with AdamW. Defaults: hidden 256, 256;
/// dropout 0.1; at most 60 epochs; learning rate 1e-3; early-stopping patience 10 (the rest: see <see cref="MlpTrainingOptions"/>).
/// </summary>
public sealed class NeuralClassifierOptions() : MlpTrainingOptions([256, 256], dropout: 0.1, epochs: 60, learningRate: 1e-3, patience: 10);
