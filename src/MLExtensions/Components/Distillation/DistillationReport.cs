using System.Diagnostics;
using System.Text.Json.Nodes;
using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Scoring;
using MLExtensions.Torch;

namespace MLExtensions.Components.Distillation;

/// <summary>
/// Teacher versus student on the same rows: accuracies, agreement, parameter counts and scoring throughput.
/// Throughput is measured on this machine by <see cref="ITransformer.Transform"/> over batches of
/// <see cref="ThroughputBatchSize"/> rows, repeated for at least half a second after a warm-up pass.
/// </summary>
public sealed class DistillationReport
{
    /// <summary>Rows per scoring call when throughput is measured (the batch size of the CLI's streaming verbs).</summary>
    public const int ThroughputBatchSize = 4096;

    /// <summary>Rows compared.</summary>
    public long Rows { get; init; }

    /// <summary>Rows with a label (accuracies are over these).</summary>
    public long LabelledRows { get; init; }

    /// <summary>The teacher's accuracy (several teachers: their averaged probabilities), or null without labels.</summary>
    public double? TeacherAccuracy { get; init; }

    /// <summary>The student's accuracy, or null without labels.</summary>
    public double? StudentAccuracy { get; init; }

    /// <summary>Share of rows where the student predicts the teacher's class (NaN when the teacher's outputs are not available).</summary>
    public double Agreement { get; init; }

    /// <summary>Learned scalars of the teacher(s), or null when unknown (a teacher column, or a model that does not say).</summary>
    public long? TeacherParameters { get; init; }

    /// <summary>Learned scalars of the student.</summary>
    public long StudentParameters { get; init; }

    /// <summary>Teacher scoring throughput (all teachers in turn), or null for a teacher column.</summary>
    public double? TeacherRowsPerSecond { get; init; }

    /// <summary>Student scoring throughput.</summary>
    public double StudentRowsPerSecond { get; init; }

    /// <summary>Student accuracy / teacher accuracy.</summary>
    public double? AccuracyRetention => TeacherAccuracy is > 0 && StudentAccuracy is double s ? s / TeacherAccuracy : null;

    /// <summary>Student parameters / teacher parameters.</summary>
    public double? ParameterRatio => TeacherParameters is > 0 ? (double)StudentParameters / TeacherParameters : null;

    /// <summary>Student throughput / teacher throughput.</summary>
    public double? Speedup => TeacherRowsPerSecond is > 0 ? StudentRowsPerSecond / TeacherRowsPerSecond : null;

    /// <summary>The report as JSON (snake_case names).</summary>
    public JsonObject ToJson() => new()
    {
        ["rows"] = Rows,
        ["labelled_rows"] = LabelledRows,
        ["teacher_accuracy"] = TeacherAccuracy,
        ["student_accuracy"] = StudentAccuracy,
        ["agreement"] = Finite(Agreement),
        ["accuracy_retention"] = AccuracyRetention,
        ["teacher_parameters"] = TeacherParameters,
        ["student_parameters"] = StudentParameters,
        ["parameter_ratio"] = ParameterRatio,
        ["teacher_rows_per_second"] = TeacherRowsPerSecond,
        ["student_rows_per_second"] = Finite(StudentRowsPerSecond),
        ["speedup"] = Speedup,
    };

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>
    /// Compares <paramref name="student"/> with its teacher(s) on <paramref name="data"/> (features under the student's
    /// feature column, labels under <paramref name="labelColumnName"/> when present). The teacher is either the models in
    /// <paramref name="teachers"/> or, when that list is empty, the column <paramref name="teacherColumnName"/> of the data.
    /// </summary>
    public static DistillationReport Measure(NeuralClassifierModel student, IReadOnlyList<ITransformer> teachers, DataBatch data,
                                             string labelColumnName, string? teacherColumnName = null, bool measureThroughput = true)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(data);
        var classes = student.Labels;
        var features = ClassifierData.RequireFeatures(data, student.FeatureColumnName, student.InputSize, student.FeatureSlotNames);
        var input = new DataBatch(features);
        var studentScores = Score(student, input);
        float[]? teacherScores;
        if (teachers.Count > 0)
        {
            teacherScores = new float[studentScores.Length];
            foreach (var teacher in teachers)
            {
                var scores = Score(teacher, input);
                var slots = TeacherSignalsSlots(teacher, input);
                var from = new LabelMap(slots);
                for (int r = 0; r < data.RowCount; r++)
                    for (int k = 0; k < classes.Count; k++)
                        teacherScores[r * classes.Count + k] += scores[r * classes.Count + from.IndexOf(classes.Labels[k])] / teachers.Count;
            }
        }
        else
        {
            // Without teacher models or the teacher column, only the student's figures are reported.
            teacherScores = teacherColumnName != null && data.TryGetColumn(teacherColumnName, out var column) && column is FloatVectorColumn tc
                ? tc.Values.ToArray() : null;
        }
        long[] keys = data.TryGetColumn(labelColumnName, out var labelColumn)
            ? ClassifierData.ReadKeys(labelColumn, classes, allowMissing: true, classesOf: "the student's")
            : Enumerable.Repeat(-1L, data.RowCount).ToArray();
        long labelled = 0, teacherRight = 0, studentRight = 0, agree = 0;
        var studentPredicted = new long[data.RowCount];
        ClassifierData.ArgMaxRows(studentScores, classes.Count, studentPredicted);
        var teacherPredicted = new long[data.RowCount];
        if (teacherScores is null) teacherPredicted.AsSpan().Fill(-1);
        else ClassifierData.ArgMaxRows(teacherScores, classes.Count, teacherPredicted);
        for (int r = 0; r < data.RowCount; r++)
        {
            long s = studentPredicted[r], t = teacherPredicted[r];
            if (s == t) agree++;
            if (keys[r] < 0) continue;
            labelled++;
            if (s == keys[r]) studentRight++;
            if (t == keys[r]) teacherRight++;
        }
        long? teacherParameters = teachers.Count == 0 ? null
            : teachers.All(t => t is NeuralClassifierModel) ? teachers.Sum(t => ((NeuralClassifierModel)t).ParameterCount) : null;
        return new DistillationReport
        {
            Rows = data.RowCount,
            LabelledRows = labelled,
            TeacherAccuracy = labelled > 0 && teacherScores != null ? (double)teacherRight / labelled : null,
            StudentAccuracy = labelled > 0 ? (double)studentRight / labelled : null,
            Agreement = data.RowCount > 0 && teacherScores != null ? (double)agree / data.RowCount : double.NaN,
            TeacherParameters = teacherParameters,
            StudentParameters = student.ParameterCount,
            TeacherRowsPerSecond = measureThroughput && teachers.Count > 0 ? teachers.Count == 1 ? RowsPerSecond(teachers[0], input)
                : 1 / teachers.Sum(t => 1 / RowsPerSecond(t, input)) : null,
            StudentRowsPerSecond = measureThroughput ? RowsPerSecond(student, input) : double.NaN,
        };
    }

    private static IReadOnlyList<string> TeacherSignalsSlots(ITransformer teacher, DataBatch input) =>
        teacher.GetOutputSchema(input.Schema)["Score"].SlotNames ?? throw new ArgumentException("a teacher's Score has no class names");

    private static float[] Score(ITransformer model, DataBatch input)
    {
        var scores = new List<float>();
        foreach (var batch in model.TransformBatches(input.Batches(ThroughputBatchSize)))
            scores.AddRange(batch.GetColumn<FloatVectorColumn>("Score").Values.Span);
        return scores.ToArray();
    }

    /// <summary>Rows per second of <paramref name="model"/> scoring <paramref name="input"/> in batches (see the class remarks).</summary>
    public static double RowsPerSecond(ITransformer model, DataBatch input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        if (input.RowCount == 0) return double.NaN;
        foreach (var _ in model.TransformBatches(input.Batches(ThroughputBatchSize))) { }
        long rows = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            foreach (var b in model.TransformBatches(input.Batches(ThroughputBatchSize))) rows += b.RowCount;
        } while (clock.Elapsed.TotalSeconds < 0.5);
        return rows / clock.Elapsed.TotalSeconds;
    }
}
