using System.CommandLine;
using MLExtensions.Cli.Commands;

var root = new RootCommand("mlext: ML trainers and transforms on libtorch (train, score, inspect model zips)");
root.Subcommands.Add(QuickstartCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(EnvCommand.Create());
return root.Parse(args).Invoke();
