using System.CommandLine;
using System.Globalization;
using MLExtensions.Components.Classification;

namespace MLExtensions.Cli.Commands.Classifier;

/// <summary>
/// The command-line options of the MLP trainers' shared settings (<see cref="MlpTrainingOptions"/>), with the defaults
/// of the trainer they are built from, for `classifier train` and `distill`.
/// </summary>
internal sealed class MlpCliOptions
{
    public MlpCliOptions(MlpTrainingOptions defaults, string hiddenDescription)
    {
        var hidden = string.Join(",", defaults.HiddenSizes.Select(h => h.ToString(CultureInfo.InvariantCulture)));
        Hidden = new Option<string>("--hidden") { Description = hiddenDescription, DefaultValueFactory = _ => hidden };
        Dropout = new Option<double>("--dropout") { Description = "Dropout after each hidden layer", DefaultValueFactory = _ => defaults.Dropout };
        BatchNorm = new Option<bool>("--batch-norm") { Description = "Batch normalisation after each hidden layer" };
        Epochs = new Option<int>("--epochs") { Description = "Maximum epochs", DefaultValueFactory = _ => defaults.Epochs };
        BatchSize = new Option<int>("--batch-size") { Description = "Rows per step", DefaultValueFactory = _ => defaults.BatchSize };
        LearningRate = new Option<double>("--lr") { Description = "AdamW learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        WeightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => defaults.WeightDecay };
        Validation = new Option<double>("--validation-fraction") { Description = "Share of the training rows held out for early stopping", DefaultValueFactory = _ => defaults.ValidationFraction };
        Patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs (0: off)", DefaultValueFactory = _ => defaults.EarlyStoppingPatience };
        Seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
    }

    public Option<string> Label { get; } = new("--label") { Description = "Label column", DefaultValueFactory = _ => "label" };
    public Option<string> Hidden { get; }
    public Option<double> Dropout { get; }
    public Option<bool> BatchNorm { get; }
    public Option<int> Epochs { get; }
    public Option<int> BatchSize { get; }
    public Option<double> LearningRate { get; }
    public Option<double> WeightDecay { get; }
    public Option<double> Validation { get; }
    public Option<int> Patience { get; }
    public Option<int> Seed { get; }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Label, Hidden, Dropout, BatchNorm, Epochs, BatchSize, LearningRate, WeightDecay, Validation, Patience, Seed })
            command.Options.Add(o);
    }

    /// <summary>Copies the parsed values into <paramref name="options"/> and returns it.</summary>
    public T Read<T>(ParseResult p, T options) where T : MlpTrainingOptions
    {
        options.LabelColumnName = p.GetValue(Label)!;
        options.HiddenSizes = ClassifierCsv.ParseSizes(p.GetValue(Hidden), "--hidden");
        options.Dropout = p.GetValue(Dropout);
        options.BatchNorm = p.GetValue(BatchNorm);
        options.Epochs = p.GetValue(Epochs);
        options.BatchSize = p.GetValue(BatchSize);
        options.LearningRate = p.GetValue(LearningRate);
        options.WeightDecay = p.GetValue(WeightDecay);
        options.ValidationFraction = p.GetValue(Validation);
        options.EarlyStoppingPatience = p.GetValue(Patience);
        options.Seed = p.GetValue(Seed);
        return options;
    }
}
