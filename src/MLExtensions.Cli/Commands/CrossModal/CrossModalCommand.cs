using System.CommandLine;

namespace MLExtensions.Cli.Commands.CrossModal;

/// <summary><c>mlext crossmodal</c>: train, evaluate, search and embed with a cross-modal (image-text) encoder.</summary>
internal static class CrossModalCommand
{
    public static Command Create()
    {
        var cmd = new Command("crossmodal", "Images and captions in one embedding space: train, evaluate retrieval, search, embed");
        cmd.Subcommands.Add(CrossModalTrainCommand.Create());
        cmd.Subcommands.Add(CrossModalEvaluateCommand.Create());
        cmd.Subcommands.Add(CrossModalSearchCommand.Create());
        cmd.Subcommands.Add(CrossModalEmbedCommand.Create());
        cmd.Subcommands.Add(CrossModalZeroShotCommand.Create());
        cmd.Subcommands.Add(CrossModalHoldOutCommand.Create());
        return cmd;
    }
}
