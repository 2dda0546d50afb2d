namespace MLExtensions.Components.LinkPrediction;

/// <summary>One answer of a top-k query: its rank (1 = best), the entity and its score.</summary>
public readonly record struct RankedEntity(int Rank, string Entity, float Score);
