// Times the DistMult training step of LinkPredictionTrainer on WN18RR's training split: the real trainer runs,
// its progress reports give the elapsed time at known steps, and the run is cancelled once enough steps are timed.
// The first reported step (warm-up) is excluded. Compare with torch_distmult_peer.py (same 1-N step in python3-torch).
// --mode 1-n (default), ns (negative sampling, row-wise entity updates) or ns-dense (negative sampling, dense AdamW).
// Usage: linkpred-bench DATA_DIR [--mode 1-n|ns|ns-dense] [--dim 200] [--batch 512] [--negatives 32] [--steps 10] [--gpu N]
using System.Globalization;
using MLExtensions;
using MLExtensions.Components.LinkPrediction;
using MLExtensions.Torch;
using MLExtensions.Training;

string data = args.Length > 0 ? args[0] : throw new ArgumentException("usage: linkpred-bench DATA_DIR [--dim N] [--batch N] [--steps N]");
int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
int modeAt = Array.IndexOf(args, "--mode");
string mode = modeAt >= 0 && modeAt + 1 < args.Length ? args[modeAt + 1] : "1-n";
if (mode is not ("1-n" or "ns" or "ns-dense")) throw new ArgumentException($"--mode must be 1-n, ns or ns-dense, not '{mode}'");
int dim = Arg("--dim", 200), batch = Arg("--batch", mode == "1-n" ? 512 : 1024), steps = Arg("--steps", 10), negatives = Arg("--negatives", 32);

var train = TriplesTsvReader.Read(Path.Combine(data, "train.txt"));
var options = new LinkPredictionOptions
{
    Model = KgeModelKind.DistMult, Dim = dim, BatchSize = batch, Epochs = 1,
    Mode = mode == "1-n" ? LinkPredictionTrainingMode.OneToN : LinkPredictionTrainingMode.NegativeSampling,
    NegativesPerPositive = negatives, RowwiseEntityUpdates = mode == "ns",
    LearningRate = 3e-3, LabelSmoothing = 0.1, Regularization = KgeRegularization.N3, RegularizationWeight = 1e-3,
};
var marks = new List<(long Step, TimeSpan Elapsed)>();
using var cancel = new CancellationTokenSource();
var progress = new Reporter(p =>
{
    marks.Add((p.Step, p.Elapsed));
    if (marks.Count >= 2 && p.Step - marks[0].Step >= steps) cancel.Cancel();
});
var context = new MLExtContext(seed: 1);
if (Arg("--gpu", -1) is int gpu and >= 0)
{
    context.GpuDeviceId = gpu;
    context.FallbackToCpu = false;
}
var trainer = new LinkPredictionTrainer(context, options);
try
{
    using var model = trainer.Fit(train, progress: progress, cancellationToken: cancel.Token);
}
catch (OperationCanceledException)
{
}
var (s0, t0) = marks[0];
var (s1, t1) = marks[^1];
double msPerStep = (t1 - t0).TotalMilliseconds / (s1 - s0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"MLExtensions ({torch.Version()}, {context.ResolveDevice()}), {torch.NumThreads} threads, {mode}{(mode == "1-n" ? "" : $" ({negatives} negatives)")}: batch {batch}, dim {dim}: {msPerStep:F1} ms/step over steps {s0 + 1}..{s1}"));

sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
