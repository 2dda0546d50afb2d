// Times the DistMult 1-N training step of LinkPredictionTrainer on WN18RR's training split: the real trainer runs,
// its progress reports give the elapsed time at known steps, and the run is cancelled once enough steps are timed.
// The first reported step (warm-up) is excluded. Compare with torch_distmult_peer.py (same step in python3-torch).
// Usage: linkpred-bench DATA_DIR [--dim 200] [--batch 512] [--steps 10]
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
int dim = Arg("--dim", 200), batch = Arg("--batch", 512), steps = Arg("--steps", 10);

var train = TriplesTsvReader.Read(Path.Combine(data, "train.txt"));
var options = new LinkPredictionOptions
{
    Model = KgeModelKind.DistMult, Mode = LinkPredictionTrainingMode.OneToN, Dim = dim, BatchSize = batch, Epochs = 1,
    LearningRate = 3e-3, LabelSmoothing = 0.1, Regularization = KgeRegularization.N3, RegularizationWeight = 1e-3,
};
var marks = new List<(long Step, TimeSpan Elapsed)>();
using var cancel = new CancellationTokenSource();
var progress = new Reporter(p =>
{
    marks.Add((p.Step, p.Elapsed));
    if (marks.Count >= 2 && p.Step - marks[0].Step >= steps) cancel.Cancel();
});
var trainer = new LinkPredictionTrainer(new MLExtContext(seed: 1), options);
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
    $"MLExtensions ({torch.Version()}), {torch.NumThreads} threads: batch {batch}, dim {dim}: {msPerStep:F1} ms/step over steps {s0 + 1}..{s1}"));

sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
