namespace MLExtensions.Training;

/// <summary>What one epoch did.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="MeanLoss">The mean training loss over its steps.</param>
/// <param name="Metric">The validation value after it, or null when it was not validated.</param>
/// <param name="Elapsed">Time since the run started when it ended.</param>
public sealed record EpochSummary(int Epoch, double MeanLoss, double? Metric, TimeSpan Elapsed);
