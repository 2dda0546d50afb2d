using System.Diagnostics;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;

namespace MLExtensions.Bench;

/// <summary>784-1200-1200-10 MLP training step, batch 256, SGD momentum 0.9 — same as torch_peer.py's mlp case.</summary>
internal static class MlpCase
{
    public static double StepMs(int repeats)
    {
        torch.ManualSeed(0);
        using var model = new Sequential(
            new Linear(784, 1200), new ReLU(),
            new Linear(1200, 1200), new ReLU(),
            new Linear(1200, 10));
        var opt = new SGD(model.Parameters(), 0.01, momentum: 0.9);
        using var x = torch.Randn([256, 784]);
        using var y = torch.Randint(0, 10, [256]);

        void Step()
        {
            using var scope = torch.NewDisposeScope();
            opt.ZeroGrad();
            var loss = Functional.CrossEntropy(model.Forward(x), y);
            loss.Backward();
            opt.Step();
        }

        for (int i = 0; i < 5; i++) Step();
        return EngineCases.Median(() =>
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++) Step();
            return sw.Elapsed.TotalMilliseconds / 20;
        }, repeats);
    }
}
