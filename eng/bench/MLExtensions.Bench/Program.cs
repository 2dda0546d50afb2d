using System.Text.Json;
using MLExtensions.Bench;
using MLExtensions.Torch;

// mlext-bench --threads N [--cases op,mlp,matmul] [--repeats 5]: JSON lines, one per case.
var threads = Environment.ProcessorCount;
var cases = "op,mlp,matmul";
var repeats = 5;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--cases": cases = args[++i]; break;
        case "--repeats": repeats = int.Parse(args[++i]); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
torch.NumThreads = threads;
foreach (var c in cases.Split(','))
{
    object result = c switch
    {
        "op" => new { @case = "op", us_per_op = EngineCases.PerOp(repeats) },
        "matmul" => new { @case = "matmul", gflops = EngineCases.Matmul(repeats) },
        "mlp" => new { @case = "mlp", ms_per_step = MlpCase.StepMs(repeats) },
        _ => throw new ArgumentException($"unknown case '{c}'"),
    };
    var json = JsonSerializer.SerializeToNode(result)!.AsObject();
    json["impl"] = "MLExtensions (" + torch.Version() + ")";
    json["threads"] = torch.NumThreads;
    Console.WriteLine(json.ToJsonString());
}
return 0;
