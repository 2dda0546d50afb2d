// A tour of the engine and the pack: tensors and autograd, a small network trained on a CSV file, the model
// saved as a zip, loaded back and used for batched scoring.
//   dotnet run --project samples/TensorsAndModels -- [path/to/data.csv[.gz] [label-column]]
// Default data: the repository's data/digits.csv.gz.
using MLExtensions;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Torch.Optim;

var csv = args.Length > 0 ? args[0] : FindRepoFile("data/digits.csv.gz");
var labelColumn = args.Length > 1 ? args[1] : "label";

// 1. Tensors and autograd.
using (torch.NewDisposeScope())
{
    var w = Tensor.From(new float[] { 1, 2, 3 }).RequiresGrad_();
    var loss = (w * w).Sum();
    loss.Backward();
    Console.WriteLine($"d(sum w²)/dw = [{string.Join(", ", w.Grad!.ToArray<float>())}]");
}

// 2. Data: a CSV with a header, numeric columns gathered into one Features vector.
var ctx = new MLExtContext(seed: 1);
var data = ctx.Data.LoadFromTextFile(csv, new TextLoaderOptions { LabelColumnName = labelColumn, TextColumns = [labelColumn], GatherNumericFeatures = true });
var (train, test) = ctx.Data.TrainTestSplit(data, 0.2);
var labels = LabelMap.FromColumn(train[labelColumn]);
Console.WriteLine($"{csv}: {data.RowCount} rows, {labels.Count} classes");

// 3. A network trained with AdamW, one dispose scope per step.
var x = train.GetColumn<FloatVectorColumn>("Features").ToTensor().DetachFromDisposeScope();
var y = labels.ToKeys(train[labelColumn]).ToTensor().DetachFromDisposeScope();
var mean = x.Mean(0).DetachFromDisposeScope();
var std = x.Std(0).ClampMin(1e-3).DetachFromDisposeScope();
using var net = new Sequential(new Linear((int)x.Size(1), 128), new ReLU(), new Linear(128, labels.Count));
using var opt = new AdamW(net.Parameters(), 1e-3);
using var gen = new Generator(1);
for (int epoch = 0; epoch < 20; epoch++)
{
    using var epochScope = torch.NewDisposeScope();
    foreach (var rows in torch.Randperm(x.Size(0), gen).Split(64))
    {
        using var step = torch.NewDisposeScope();
        var loss = Functional.CrossEntropy(net.Forward((x.IndexSelect(0, rows) - mean) / std), y.IndexSelect(0, rows));
        opt.ZeroGrad();
        loss.Backward();
        opt.Step();
    }
}

// 4. Save the weights as safetensors inside a model zip, load them into a fresh network, score in batches.
var path = Path.Combine(Path.GetTempPath(), "tensors-and-models.zip");
var manifest = new MLExtensions.Model.ModelManifest("Sample.Mlp") { ParameterCount = net.ParameterCount() };
manifest.SetLabelMap(labels);
MLExtensions.Model.ModelFile.Save(path, manifest, net.StateDict());
using var stored = MLExtensions.Model.ModelFile.Read(path);
using var restored = new Sequential(new Linear((int)x.Size(1), 128), new ReLU(), new Linear(128, labels.Count));
restored.LoadStateDict(stored.Weights);
restored.Eval();

int correct = 0;
foreach (var batch in test.Batches(100))
{
    using var scope = torch.NewDisposeScope();
    using var noGrad = torch.NoGrad();
    var predicted = restored.Forward((batch.GetColumn<FloatVectorColumn>("Features").ToTensor() - mean) / std).Argmax(1).ToArray<long>();
    var truth = batch.GetColumn<TextColumn>(labelColumn).Values.Span;
    for (int i = 0; i < predicted.Length; i++) if (labels.Labels[(int)predicted[i]] == truth[i]) correct++;
}
Console.WriteLine($"saved {path}; reloaded; test accuracy {(double)correct / test.RowCount:P2}");

static string FindRepoFile(string relative)
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
    throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}; pass a CSV path");
}
