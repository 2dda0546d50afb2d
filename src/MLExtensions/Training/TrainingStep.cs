namespace MLExtensions.Training;

/// <summary>Where a training step is in the run. Epochs and steps count from 1.</summary>
/// <param name="Epoch">The current epoch, 1..Epochs.</param>
/// <param name="Step">The step within the epoch, 1..StepsPerEpoch.</param>
/// <param name="GlobalStep">The step since the start, 1..TotalSteps.</param>
/// <param name="StepsPerEpoch">Steps per epoch.</param>
/// <param name="TotalSteps">Steps in the whole run if it is not stopped early.</param>
/// <param name="CancellationToken">The run's cancellation token, for long steps.</param>
public readonly record struct TrainingStep(int Epoch, int Step, long GlobalStep, int StepsPerEpoch, long TotalSteps, CancellationToken CancellationToken);
