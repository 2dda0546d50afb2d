using System.Text.Json.Nodes;
using MLExtensions.Data;

namespace MLExtensions.Components.Classification;

/// <summary>
/// Quality of a classifier on labelled rows: accuracy, macro F1, log loss and the confusion matrix
/// (rows = true class, columns = predicted class, in <see cref="Labels"/> order).
/// </summary>
public sealed class ClassificationMetrics
{
    private ClassificationMetrics(IReadOnlyList<string> labels, long[,] confusion, double logLossSum, long rows)
    {
        Labels = labels;
        Confusion = confusion;
        Rows = rows;
        int c = labels.Count;
        long correct = 0;
        double f1Sum = 0;
        for (int k = 0; k < c; k++)
        {
            correct += confusion[k, k];
            long truth = 0, predicted = 0;
            for (int j = 0; j < c; j++) { truth += confusion[k, j]; predicted += confusion[j, k]; }
            double precision = predicted == 0 ? 0 : (double)confusion[k, k] / predicted;
            double recall = truth == 0 ? 0 : (double)confusion[k, k] / truth;
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        Accuracy = rows == 0 ? double.NaN : (double)correct / rows;
        MacroF1 = c == 0 ? double.NaN : f1Sum / c;
        LogLoss = rows == 0 ? double.NaN : logLossSum / rows;
    }

    /// <summary>The classes, in the order of the confusion matrix.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Counts: [true class, predicted class].</summary>
    public long[,] Confusion { get; }

    /// <summary>Rows evaluated.</summary>
    public long Rows { get; }

    /// <summary>Share of rows predicted right.</summary>
    public double Accuracy { get; }

    /// <summary>Unweighted mean of the per-class F1 scores (a class never seen nor predicted counts as 0).</summary>
    public double MacroF1 { get; }

    /// <summary>Mean negative log of the probability given to the true class (probabilities floored at 1e-15).</summary>
    public double LogLoss { get; }

    /// <summary>Scoring throughput, when the caller measured it.</summary>
    public double? RowsPerSecond { get; set; }

    /// <summary>
    /// Reads scored batches (a <c>Score</c> vector with the labels as slot names, plus the label column) as a stream.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing, a label is missing or not one of the model's classes (the message names the row).</exception>
    public static ClassificationMetrics Compute(IEnumerable<DataBatch> scored, string labelColumnName, string scoreColumnName = "Score")
    {
        ArgumentNullException.ThrowIfNull(scored);
        LabelMap? labels = null;
        long[,]? confusion = null;
        double logLoss = 0;
        long rows = 0;
        foreach (var batch in scored)
        {
            var score = batch.GetColumn<FloatVectorColumn>(scoreColumnName);
            if (labels is null)
            {
                labels = new LabelMap(score.SlotNames ?? throw new ArgumentException($"column '{scoreColumnName}' has no slot names; the class names are unknown"));
                confusion = new long[labels.Count, labels.Count];
            }
            if (!batch.TryGetColumn(labelColumnName, out var labelColumn))
                throw new ArgumentException($"the evaluation data has no label column '{labelColumnName}' ({batch.Schema.MissingColumnMessage(labelColumnName)})");
            var keys = ClassifierData.ReadKeys(labelColumn, labels, allowMissing: false, firstRow: rows);
            var values = score.Values.Span;
            int c = labels.Count;
            for (int r = 0; r < keys.Length; r++)
            {
                var p = values.Slice(r * c, c);
                int best = 0;
                for (int k = 1; k < c; k++) if (p[k] > p[best]) best = k;
                confusion![keys[r], best]++;
                logLoss -= Math.Log(Math.Max(p[(int)keys[r]], 1e-15));
            }
            rows += keys.Length;
        }
        if (labels is null) throw new ArgumentException("there are no rows to evaluate");
        return new ClassificationMetrics(labels.Labels, confusion!, logLoss, rows);
    }

    /// <summary>The metrics as JSON: accuracy, macro_f1, log_loss, rows, rows_per_second, labels, confusion_matrix.</summary>
    public JsonObject ToJson()
    {
        var matrix = new JsonArray();
        for (int i = 0; i < Labels.Count; i++)
        {
            var line = new JsonArray();
            for (int j = 0; j < Labels.Count; j++) line.Add(Confusion[i, j]);
            matrix.Add(line);
        }
        return new JsonObject
        {
            ["accuracy"] = Accuracy,
            ["macro_f1"] = MacroF1,
            ["log_loss"] = LogLoss,
            ["rows"] = Rows,
            ["rows_per_second"] = RowsPerSecond,
            ["labels"] = new JsonArray(Labels.Select(l => (JsonNode)l).ToArray()),
            ["confusion_matrix"] = matrix,
        };
    }
}
