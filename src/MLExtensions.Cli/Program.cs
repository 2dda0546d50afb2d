using System.CommandLine;
using MLExtensions.Cli.Commands;
using MLExtensions.Cli.Quickstart;

var root = new RootCommand("mlext: ML trainers and transforms on libtorch (train, score, inspect model zips)");
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
return root.Parse(args).Invoke();
