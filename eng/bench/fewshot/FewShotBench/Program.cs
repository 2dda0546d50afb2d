using System.Diagnostics;
using System.Globalization;
using MLExtensions.Components.FewShot;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;

// The ProtoNet episode of the few-shot trainer (Conv-4, 28x28 grey, 20-way 1-shot 5-query, Adam) and batched
// prototype scoring, on random input; mirrored op for op by protonet_peer.py. Prints JSON lines.
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
int episodes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
torch.NumThreads = threads;
torch.ManualSeed(0);
const int Ways = 20, Shots = 1, Queries = 5, Side = 28;
using var gen = new Generator(0);
using var encoder = new Conv4Encoder(1, 64, Side, gen);
using var optimizer = new Adam(encoder.Parameters(), 1e-3);
using var x = torch.Rand([Ways * (Shots + Queries), 1, Side, Side], gen).DetachFromDisposeScope();
using var y = torch.Arange(Ways).RepeatInterleave(Queries, 0).DetachFromDisposeScope();

double Episode()
{
    using var scope = torch.NewDisposeScope();
    encoder.Train();
    optimizer.ZeroGrad();
    var emb = encoder.Forward(x);
    var protos = emb.Narrow(0, 0, Ways * Shots).View(Ways, Shots, -1).Mean(1);
    var q = emb.Narrow(0, Ways * Shots, Ways * Queries);
    var logits = q.Matmul(protos.T()) * 2.0 - q.Square().Sum(1, keepDim: true) - protos.Square().Sum(1).Unsqueeze(0);
    var loss = Functional.CrossEntropy(logits, y);
    loss.Backward();
    optimizer.Step();
    return loss.Item<float>();
}

for (int i = 0; i < 3; i++) Episode();
var clock = Stopwatch.StartNew();
for (int i = 0; i < episodes; i++) Episode();
double eps = episodes / clock.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"{{\"impl\": \"mlext\", \"case\": \"protonet_episode\", \"threads\": {threads}, \"episodes_per_s\": {eps:F3}}}"));

using var images = torch.Rand([1024, 1, Side, Side], gen).DetachFromDisposeScope();
using var prototypes = torch.Randn([20, 64], gen).DetachFromDisposeScope();
void Score()
{
    using var scope = torch.NewDisposeScope();
    using var noGrad = torch.NoGrad();
    encoder.Eval();
    for (long s = 0; s < images.Size(0); s += 256)
    {
        var e = encoder.Forward(images.Narrow(0, s, 256));
        var logits = e.Matmul(prototypes.T()) * 2.0 - e.Square().Sum(1, keepDim: true) - prototypes.Square().Sum(1).Unsqueeze(0);
        logits.Softmax(1).Argmax(1).ToArray<long>();
    }
}
Score();
clock.Restart();
for (int i = 0; i < 3; i++) Score();
double ips = 3 * 1024 / clock.Elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"{{\"impl\": \"mlext\", \"case\": \"protonet_scoring\", \"threads\": {threads}, \"images_per_s\": {ips:F1}}}"));
