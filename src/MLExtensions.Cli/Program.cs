using System.CommandLine;
using MLExtensions.Cli.Commands;
using MLExtensions.Cli.Quickstart;

var root = new RootCommand("mlext: ML trainers and transforms on libtorch (train, score, inspect model zips)");
var gpu = new Option<int?>("--gpu")
{
    Description = "Run on this CUDA device (0, 1, ...); default: the CPU, or MLEXT_GPU when set. Fails if the device is absent.",
    Recursive = true,
};
root.Options.Add(gpu);
root.Subcommands.Add(QuickstartCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(EnvCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.LinkPrediction.LinkPredCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.CrossModal.CrossModalCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.Classifier.ClassifierTrainCommand.CreateGroup());
root.Subcommands.Add(MLExtensions.Cli.Commands.Classifier.DistillCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.Classifier.EvaluateCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.Classifier.ScoreCommand.Create());
root.Subcommands.Add(MLExtensions.Cli.Commands.FewShot.FewShotCommand.Create());
var parsed = root.Parse(args);
CliContext.GpuFromOption = parsed.GetValue(gpu);
return parsed.Invoke();
