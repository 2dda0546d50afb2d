using MLExtensions.Components.Distillation;

namespace MLExtensions.Components.Classification;

/// <summary>Catalog-style entry points of the classification components: <c>ctx.NeuralClassifier(...)</c>, <c>ctx.DistilledStudent(...)</c>.</summary>
public static class ClassificationCatalog
{
    /// <summary>An MLP classifier trainer (see <see cref="Classification.NeuralClassifier"/>).</summary>
    public static NeuralClassifier NeuralClassifier(this MLExtContext context, NeuralClassifierOptions? options = null) => new(context, options);

    /// <summary>
    /// A knowledge-distillation trainer (see <see cref="Distillation.DistilledStudent"/>): give teacher models, or none
    /// with <see cref="DistilledStudentOptions.TeacherColumnName"/> set.
    /// </summary>
    public static DistilledStudent DistilledStudent(this MLExtContext context, DistilledStudentOptions options, params ITransformer[] teachers) =>
        new(context, options, teachers);

    /// <summary>Accuracy, macro F1, log loss and the confusion matrix of a classifier's scored batches.</summary>
    public static ClassificationMetrics EvaluateClassifier(this MLExtContext context, IEnumerable<Data.DataBatch> scored, string labelColumnName) =>
        ClassificationMetrics.Compute(scored, labelColumnName);
}
