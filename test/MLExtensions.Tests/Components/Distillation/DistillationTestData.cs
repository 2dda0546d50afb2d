using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Tests.Support;

namespace MLExtensions.Tests.Components.Distillation;

/// <summary>The repository's digits set as a batch (Features + text label), a fixed split, and one small teacher shared by the tests.</summary>
internal static class DistillationTestData
{
    private static readonly Lazy<(DataBatch Train, DataBatch Test)> Split = new(() =>
    {
        var ctx = new MLExtContext(7);
        var all = ctx.Data.LoadFromTextFile(RepoData.DigitsPath, new TextLoaderOptions
        {
            LabelColumnName = "label",
            TextColumns = ["label"],
            GatherNumericFeatures = true,
        });
        var rows = Enumerable.Range(0, all.RowCount).ToArray();
        return (all.Gather(rows.Where(i => i % 4 != 0).ToArray()), all.Gather(rows.Where(i => i % 4 == 0).ToArray()));
    });

    private static readonly Lazy<NeuralClassifierModel> SharedTeacher = new(() =>
        new MLExtContext(11).NeuralClassifier(TeacherOptions()).Fit(Train));

    public static DataBatch Train => Split.Value.Train;
    public static DataBatch Test => Split.Value.Test;

    /// <summary>A fitted teacher (do not dispose: shared).</summary>
    public static NeuralClassifierModel Teacher => SharedTeacher.Value;

    public static NeuralClassifierOptions TeacherOptions() => new()
    {
        LabelColumnName = "label",
        HiddenSizes = [256, 256],
        Dropout = 0.2,
        Epochs = 25,
        EarlyStoppingPatience = 8,
        Seed = 3,
    };

    public static double Accuracy(ITransformer model, DataBatch data)
    {
        var scored = model.Transform(data);
        var predicted = scored.GetColumn<KeyColumn>("PredictedLabel");
        var truth = scored.GetColumn<TextColumn>("label").Values.Span;
        int right = 0;
        for (int i = 0; i < scored.RowCount; i++) if (predicted.GetName(i) == truth[i]) right++;
        return (double)right / scored.RowCount;
    }
}
