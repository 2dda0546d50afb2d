using System.CommandLine;

namespace MLExtensions.Cli.Commands.LinkPrediction;

/// <summary><c>mlext linkpred</c>: knowledge-graph link prediction (train, evaluate, predict).</summary>
internal static class LinkPredCommand
{
    public static Command Create()
    {
        var cmd = new Command("linkpred", "Link prediction: a KGE model on head<TAB>relation<TAB>tail triples, or GraphSAGE/GCN on source<TAB>target edges with node features; train, evaluate, predict top-k links");
        cmd.Subcommands.Add(LinkPredTrainCommand.Create());
        cmd.Subcommands.Add(LinkPredEvaluateCommand.Create());
        cmd.Subcommands.Add(LinkPredPredictCommand.Create());
        return cmd;
    }
}
