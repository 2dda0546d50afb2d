using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Torch;

namespace MLExtensions.Components.Distillation;

/// <summary>
/// What the teacher(s) say about a set of rows, computed once before training: soft targets at the temperature
/// (several teachers: the mean of their softened probabilities), the teachers' predicted classes, and optionally the
/// first teacher's hidden activations for the hint loss. Tensors are detached and owned here.
/// </summary>
internal sealed class TeacherSignals : IDisposable
{
    private const int Chunk = 4096;

    private TeacherSignals(Tensor logProbsT, Tensor predicted, Tensor? hint)
    {
        LogProbsT = logProbsT;
        Predicted = predicted;
        Hint = hint;
    }

    public Tensor LogProbsT { get; }
    public Tensor Predicted { get; }
    public Tensor? Hint { get; }

    /// <summary>The classes of the teacher models, in the first teacher's order; every teacher must have the same set.</summary>
    public static LabelMap ClassesOf(IReadOnlyList<ITransformer> teachers, DataSchema inputSchema, string featureColumn)
    {
        LabelMap? first = null;
        for (int i = 0; i < teachers.Count; i++)
        {
            var classes = ClassesOf(teachers[i], inputSchema, featureColumn, i);
            if (first is null) { first = classes; continue; }
            var missing = first.Labels.Except(classes.Labels).ToArray();
            var extra = classes.Labels.Except(first.Labels).ToArray();
            if (missing.Length > 0 || extra.Length > 0)
                throw new ArgumentException($"teacher {i + 1} has other classes than teacher 1" +
                    (missing.Length > 0 ? $" (lacks: {string.Join(", ", missing.Take(8))})" : "") +
                    (extra.Length > 0 ? $" (extra: {string.Join(", ", extra.Take(8))})" : ""));
        }
        return first ?? throw new ArgumentException("no teacher was given");
    }

    private static LabelMap ClassesOf(ITransformer teacher, DataSchema inputSchema, string featureColumn, int index)
    {
        if (teacher is NeuralClassifierModel nc) return nc.Labels;
        DataSchema output;
        try { output = teacher.GetOutputSchema(inputSchema); }
        catch (ArgumentException e) { throw new ArgumentException($"teacher {index + 1} ({teacher.GetType().Name}) cannot read the data (feature column '{featureColumn}'): {e.Message}", e); }
        if (!output.TryGetColumn("Score", out var score) || score.Kind != ColumnKind.FloatVector)
            throw new ArgumentException($"teacher {index + 1} ({teacher.GetType().Name}) does not output a Score vector; a teacher must be a classifier");
        if (score.SlotNames is null)
            throw new ArgumentException($"teacher {index + 1} ({teacher.GetType().Name}) outputs a Score vector without class names (slot names)");
        return new LabelMap(score.SlotNames);
    }

    /// <summary>Signals of teacher models on every row of <paramref name="features"/>.</summary>
    public static TeacherSignals FromModels(IReadOnlyList<ITransformer> teachers, FloatVectorColumn features, LabelMap classes,
                                            double temperature, int? hintLayer, Device device)
    {
        int n = features.RowCount;
        var parts = new List<Tensor>();
        var hints = new List<Tensor>();
        try
        {
            using var noGrad = torch.NoGrad();
            for (int start = 0; start < n; start += Chunk)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = (FloatVectorColumn)features.Slice(start, Math.Min(Chunk, n - start));
                Tensor? mean = null;
                for (int t = 0; t < teachers.Count; t++)
                {
                    var (logits, hidden) = TeacherLogits(teachers[t], chunk, classes, t == 0 ? hintLayer : null);
                    if (hidden != null) hints.Add(hidden.To(device).DetachFromDisposeScope());
                    var probsT = (logits / temperature).Softmax(1);
                    mean = mean is null ? probsT : mean + probsT;
                }
                var logProbsT = (mean! / teachers.Count).ClampMin(1e-30).Log();
                parts.Add(logProbsT.To(device).DetachFromDisposeScope());
            }
            return Assemble(parts, hints);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
            foreach (var h in hints) h.Dispose();
        }
    }

    /// <summary>
    /// Logits (T = 1, up to a per-row constant) of one teacher on a chunk, columns in <paramref name="classes"/> order,
    /// plus the requested hidden activations of a <see cref="NeuralClassifierModel"/>.
    /// </summary>
    private static (Tensor Logits, Tensor? Hidden) TeacherLogits(ITransformer teacher, FloatVectorColumn chunk, LabelMap classes, int? hintLayer)
    {
        if (teacher is NeuralClassifierModel nc)
        {
            nc.Network.Eval();
            var x = chunk.ToTensor(nc.Network.Device);
            var (logits, hidden) = nc.Network.ForwardWithHidden(x, hintLayer ?? -1);
            return (Reorder(logits.Cpu(), nc.Labels, classes), hintLayer is null ? null : hidden.Cpu());
        }
        var scored = teacher.Transform(new DataBatch(chunk));
        var score = scored.GetColumn<FloatVectorColumn>("Score");
        var probs = score.ToTensor();
        return (Reorder(probs.ClampMin(1e-30).Log(), new LabelMap(score.SlotNames!), classes), null);
    }

    private static Tensor Reorder(Tensor values, LabelMap from, LabelMap to)
    {
        if (from.Labels.SequenceEqual(to.Labels)) return values;
        var index = to.Labels.Select(l => (long)from.IndexOf(l)).ToArray();
        return values.IndexSelect(1, Tensor.From(index, index.Length));
    }

    /// <summary>Signals from a column of precomputed teacher logits or probabilities, columns already in class order.</summary>
    public static TeacherSignals FromColumn(FloatVectorColumn column, TeacherOutputKind kind, double temperature, Device device)
    {
        var span = column.Values.Span;
        for (int i = 0; i < span.Length; i++)
        {
            bool bad = !float.IsFinite(span[i]) || (kind == TeacherOutputKind.Probabilities && (span[i] < 0 || span[i] > 1.0001f));
            if (bad)
                throw new ArgumentException($"row {i / column.Size}, slot {i % column.Size} of teacher column '{column.Name}': " +
                                            $"{span[i]} is not a valid {(kind == TeacherOutputKind.Probabilities ? "probability" : "logit")}");
        }
        using var noGrad = torch.NoGrad();
        var parts = new List<Tensor>();
        try
        {
            using (var scope = torch.NewDisposeScope())
            {
                var values = column.ToTensor();
                var logits = kind == TeacherOutputKind.Probabilities ? values.ClampMin(1e-30).Log() : values;
                parts.Add(DistillationLoss.SoftTargets(logits, temperature).To(device).DetachFromDisposeScope());
            }
            return Assemble(parts, []);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    private static TeacherSignals Assemble(List<Tensor> parts, List<Tensor> hints)
    {
        using var scope = torch.NewDisposeScope();
        var logProbs = torch.Cat(parts, 0);
        var predicted = logProbs.Argmax(1);
        var hint = hints.Count > 0 ? torch.Cat(hints, 0).DetachFromDisposeScope() : null;
        return new TeacherSignals(logProbs.DetachFromDisposeScope(), predicted.DetachFromDisposeScope(), hint);
    }

    public void Dispose()
    {
        LogProbsT.Dispose();
        Predicted.Dispose();
        Hint?.Dispose();
    }
}
