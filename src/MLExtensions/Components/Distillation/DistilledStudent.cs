using MLExtensions.Components.Classification;
using MLExtensions.Data;
using MLExtensions.Torch;
using MLExtensions.Torch.NN;
using MLExtensions.Training;

namespace MLExtensions.Components.Distillation;

/// <summary>
/// Trains a small MLP student on a teacher's soft targets (knowledge distillation, Hinton et al. 2015) so that it keeps
/// the teacher's accuracy at a fraction of its size and scoring cost. The teacher is one or more fitted classifiers of
/// this pack (their softened probabilities are averaged) or a column of precomputed teacher logits/probabilities
/// (<see cref="DistilledStudentOptions.TeacherColumnName"/>). The loss is <see cref="DistillationLoss"/>, plus an optional
/// hint loss. Rows without a label, and the rows of a transfer set, train on the soft targets alone.
/// </summary>
/// <remarks>The fitted student is a <see cref="NeuralClassifierModel"/> saved under the component name "DistilledStudent".</remarks>
public sealed class DistilledStudent : IEstimator<NeuralClassifierModel>
{
    /// <summary>The component name in model files.</summary>
    public const string ComponentName = "DistilledStudent";

    /// <summary>The current layout version of the model file.</summary>
    public const int ComponentVersion = 1;

    private readonly MLExtContext _context;
    private readonly ITransformer[] _teachers;

    /// <summary>
    /// Creates the trainer. Give teacher models, or none and set <see cref="DistilledStudentOptions.TeacherColumnName"/>.
    /// The teachers stay owned by the caller.
    /// </summary>
    public DistilledStudent(MLExtContext context, DistilledStudentOptions options, params ITransformer[] teachers)
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _teachers = teachers ?? [];
    }

    /// <summary>The options; read when <see cref="Fit(DataBatch)"/> starts.</summary>
    public DistilledStudentOptions Options { get; }

    /// <summary>The teacher models (empty with a teacher column).</summary>
    public IReadOnlyList<ITransformer> Teachers => _teachers;

    /// <summary>Receives progress during fitting.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>The outcome of the last fit's training loop.</summary>
    public TrainingResult? LastTraining { get; private set; }

    /// <summary>Teacher versus student on the last fit's validation rows (null when there were none).</summary>
    public DistillationReport? LastReport { get; private set; }

    /// <inheritdoc />
    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(Options.FeatureColumnName, ColumnKind.FloatVector);
        var classes = _teachers.Length > 0
            ? TeacherSignals.ClassesOf(_teachers, inputSchema, Options.FeatureColumnName).Labels
            : inputSchema.Require(Options.TeacherColumnName ?? throw new ArgumentException("no teacher: give teacher models or set TeacherColumnName"),
                                  ColumnKind.FloatVector).SlotNames;
        return new DataSchema(inputSchema.Concat([
            new ColumnSchema("Score", ColumnKind.FloatVector, classes?.Count ?? 0, classes),
            new ColumnSchema("PredictedLabel", ColumnKind.Key, keyNames: classes),
        ]));
    }

    /// <inheritdoc />
    public NeuralClassifierModel Fit(DataBatch input) => Fit(input, null, CancellationToken.None);

    /// <summary>
    /// Trains the student on <paramref name="input"/> (labels optional per row) and the unlabelled
    /// <paramref name="transfer"/> rows (optional; same feature column, and the teacher column in offline mode).
    /// </summary>
    /// <exception cref="ArgumentException">Missing columns, NaN features, labels the teacher does not know, teachers with different classes.</exception>
    public NeuralClassifierModel Fit(DataBatch input, DataBatch? transfer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        o.Validate();
        bool offline = _teachers.Length == 0;
        if (offline && o.TeacherColumnName is null)
            throw new ArgumentException("no teacher: give one or more teacher models, or set TeacherColumnName to a column of precomputed teacher outputs");
        if (!offline && o.TeacherColumnName is not null)
            throw new ArgumentException("give either teacher models or TeacherColumnName, not both");
        if (o.HintWeight > 0 && (offline || _teachers[0] is not NeuralClassifierModel))
            throw new ArgumentException("the hint loss needs a NeuralClassifier teacher (the first teacher model)");

        var features = ClassifierData.RequireFeatures(input, o.FeatureColumnName);
        var transferFeatures = transfer is null ? null
            : ClassifierData.RequireFeatures(transfer, o.FeatureColumnName, features.Size, features.SlotNames);
        for (int t = 0; t < _teachers.Length; t++)
            if (_teachers[t] is NeuralClassifierModel nc)
            {
                try { ClassifierData.RequireFeatures(new DataBatch(features.Slice(0, Math.Min(1, features.RowCount))), o.FeatureColumnName, nc.InputSize, nc.FeatureSlotNames); }
                catch (ArgumentException e) { throw new ArgumentException($"teacher {t + 1} cannot read the data: {e.Message}", e); }
            }

        var classes = offline ? ColumnClasses(input, transfer) : TeacherSignals.ClassesOf(_teachers, input.Schema, o.FeatureColumnName);
        input.TryGetColumn(o.LabelColumnName, out var labelColumn);
        var keys = labelColumn is null ? Enumerable.Repeat(-1L, input.RowCount).ToArray()
            : ClassifierData.ReadKeys(labelColumn, classes, allowMissing: true, classesOf: offline ? "the teacher column's" : "the teacher's");
        WarnAboutUnseenClasses(classes, keys);

        int seed = o.Seed ?? _context.NextSeed();
        var device = _context.ResolveDevice();
        var (fitRows, validRows) = MlpFitter.Split(Enumerable.Range(0, input.RowCount).ToArray(), o.ValidationFraction, seed);
        var fitFeatures = (FloatVectorColumn)features.Gather(fitRows);
        if (transferFeatures != null) fitFeatures = (FloatVectorColumn)DataColumn.Concat([fitFeatures, transferFeatures]);
        var fitKeys = fitRows.Select(r => keys[r]).Concat(Enumerable.Repeat(-1L, transfer?.RowCount ?? 0)).ToArray();
        var validFeatures = (FloatVectorColumn)features.Gather(validRows);

        int? hintLayer = o.HintWeight > 0 ? o.TeacherHintLayer : null;
        using var signals = offline
            ? TeacherSignals.FromColumn(TeacherColumn(input, fitRows, transfer, classes), o.TeacherColumnKind, o.Temperature, device)
            : TeacherSignals.FromModels(_teachers, fitFeatures, classes, o.Temperature, hintLayer, device);
        using var validSignals = validRows.Length == 0 ? null : offline
            ? TeacherSignals.FromColumn(TeacherColumn(input, validRows, null, classes), o.TeacherColumnKind, o.Temperature, device)
            : TeacherSignals.FromModels(_teachers, validFeatures, classes, o.Temperature, null, device);

        using var x = fitFeatures.ToTensor(device).DetachFromDisposeScope();
        using var y = Tensor.From(fitKeys, fitKeys.Length).To(device).DetachFromDisposeScope();
        using var xValid = validRows.Length > 0 ? validFeatures.ToTensor(device).DetachFromDisposeScope() : null;
        // Validation reference: the label where there is one, the teacher's class otherwise.
        using var yValid = validRows.Length > 0 ? Reference(validRows.Select(r => keys[r]).ToArray(), validSignals!.Predicted, device) : null;

        torch.ManualSeed(unchecked((ulong)seed));
        var network = new MlpNetwork(features.Size, o.HiddenSizes, classes.Count, o.Dropout, o.BatchNorm);
        Linear? projection = null;
        try
        {
            using (torch.NewDisposeScope()) network.SetStandardization(x.Mean(0), x.Std(0, unbiased: false));
            network.To(device);
            if (signals.Hint is { } hint)
            {
                projection = new Linear(network.HiddenWidth(o.StudentHintLayer), hint.Size(1));
                projection.To(device);
            }
            double temperature = o.Temperature, alpha = o.Alpha, hintWeight = o.HintWeight;
            int studentHint = o.StudentHintLayer;
            var settings = new MlpFitter.Settings(o.Epochs, o.BatchSize, o.LearningRate, o.WeightDecay, o.EarlyStoppingPatience, seed);
            LastTraining = MlpFitter.Run(network, projection?.Parameters() ?? [], x.Size(0), rows =>
                {
                    var (logits, hidden) = network.ForwardWithHidden(x.IndexSelect(0, rows), studentHint);
                    var loss = DistillationLoss.Compute(logits, signals.LogProbsT.IndexSelect(0, rows), y.IndexSelect(0, rows), temperature, alpha);
                    if (projection != null)
                        loss = loss + Functional.MseLoss(projection.Forward(hidden), signals.Hint!.IndexSelect(0, rows)) * hintWeight;
                    return loss;
                },
                xValid is null ? null : () => MlpFitter.Accuracy(network.Forward, xValid, yValid!),
                settings, Progress, _context, cancellationToken);
            network.Eval();
            var model = new NeuralClassifierModel(ComponentName, network, classes, o.FeatureColumnName, features.SlotNames,
                                                  o.Dropout, o.BatchNorm, NeuralClassifier.SerializeOptions(o));
            model.Metrics["epochs"] = LastTraining.Epochs;
            model.Metrics["train_rows"] = fitRows.Length;
            model.Metrics["transfer_rows"] = transfer?.RowCount ?? 0;
            LastReport = validRows.Length == 0 ? null
                : DistillationReport.Measure(model, _teachers, offline ? input.Gather(validRows) : labelColumn is null ? new DataBatch(validFeatures) : new DataBatch(validFeatures, labelColumn.Gather(validRows)),
                                             o.LabelColumnName, o.TeacherColumnName, measureThroughput: false);
            if (LastReport != null)
            {
                if (LastReport.StudentAccuracy is double sa) model.Metrics["val_accuracy"] = sa;
                if (LastReport.TeacherAccuracy is double ta) model.Metrics["val_teacher_accuracy"] = ta;
                model.Metrics["val_agreement"] = LastReport.Agreement;
            }
            return model;
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            projection?.Dispose();
        }
    }

    private static Tensor Reference(long[] keys, Tensor teacherPredicted, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var k = Tensor.From(keys, keys.Length).To(device);
        return torch.Where(k.Ge(0.0), k, teacherPredicted.To(device)).DetachFromDisposeScope();
    }

    private void WarnAboutUnseenClasses(LabelMap classes, long[] keys)
    {
        if (!keys.Any(k => k >= 0)) return;
        var seen = new HashSet<long>(keys.Where(k => k >= 0));
        var unseen = Enumerable.Range(0, classes.Count).Where(k => !seen.Contains(k)).Select(k => classes.Labels[k]).ToArray();
        if (unseen.Length > 0)
            _context.WriteLog(MessageSeverity.Warning, nameof(DistilledStudent),
                $"{unseen.Length} of the teacher's {classes.Count} classes have no labelled row in the training data ({string.Join(", ", unseen.Take(8))}); " +
                "the student learns them from the soft targets only");
    }

    /// <summary>The classes of the teacher column: its slot names, else the labels of the data (same count required).</summary>
    private LabelMap ColumnClasses(DataBatch input, DataBatch? transfer)
    {
        var o = Options;
        var column = TeacherColumnOf(input, "training data");
        if (transfer != null)
        {
            var other = TeacherColumnOf(transfer, "transfer set");
            if (other.Size != column.Size || !SameSlots(other.SlotNames, column.SlotNames))
                throw new ArgumentException($"teacher column '{o.TeacherColumnName}' has other classes in the transfer set than in the training data");
        }
        if (column.SlotNames != null) return new LabelMap(column.SlotNames);
        if (!input.TryGetColumn(o.LabelColumnName, out var labels))
            throw new ArgumentException($"teacher column '{o.TeacherColumnName}' has no class names (slot names) and there is no label column '{o.LabelColumnName}' to take them from");
        var fromData = ClassifierData.LabelsOf(labels);
        if (fromData.Count != column.Size)
            throw new ArgumentException($"teacher column '{o.TeacherColumnName}' has {column.Size} classes but label column '{o.LabelColumnName}' has {fromData.Count}; " +
                                        "name the classes through the column's slot names");
        return fromData;
    }

    private static bool SameSlots(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null || b is null ? a is null && b is null : a.SequenceEqual(b, StringComparer.Ordinal);

    private FloatVectorColumn TeacherColumnOf(DataBatch batch, string what)
    {
        var name = Options.TeacherColumnName!;
        if (!batch.TryGetColumn(name, out var column))
            throw new ArgumentException($"the {what} has no teacher column '{name}': {batch.Schema.MissingColumnMessage(name)}");
        return column as FloatVectorColumn
            ?? throw new ArgumentException($"teacher column '{name}' is {column.Schema.TypeDescription}; a float vector of logits or probabilities is expected");
    }

    private FloatVectorColumn TeacherColumn(DataBatch input, int[] rows, DataBatch? transfer, LabelMap classes)
    {
        var column = (FloatVectorColumn)TeacherColumnOf(input, "training data").Gather(rows);
        if (transfer != null) column = (FloatVectorColumn)DataColumn.Concat([column, TeacherColumnOf(transfer, "transfer set")]);
        return column;
    }
}
