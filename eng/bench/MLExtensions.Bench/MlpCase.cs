namespace MLExtensions.Bench;

/// <summary>784-1200-1200-10 MLP training step, batch 256, SGD momentum 0.9 (filled in with the nn modules).</summary>
internal static class MlpCase
{
    public static double StepMs(int repeats) => throw new NotSupportedException("mlp case needs the nn modules");
}
