using System.Globalization;

namespace MLExtensions.Torch.Optim;

/// <summary>
/// Parameters that share a learning rate and weight decay (e.g. no decay for biases and norms).
/// Values left null take the optimizer's defaults.
/// </summary>
public sealed class ParamGroup
{
    private double? _learningRate;
    private double? _weightDecay;

    public ParamGroup(IEnumerable<Tensor> parameters, double? learningRate = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Any(p => p is null)) throw new ArgumentException("a parameter group contains null", nameof(parameters));
        _learningRate = learningRate;
        _weightDecay = weightDecay;
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The current learning rate (schedulers change it).</summary>
    public double LearningRate
    {
        get => _learningRate ?? throw new InvalidOperationException("the group is not attached to an optimizer yet");
        set
        {
            if (value < 0 || double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "learning rate must be >= 0");
            _learningRate = value;
        }
    }

    public double WeightDecay
    {
        get => _weightDecay ?? throw new InvalidOperationException("the group is not attached to an optimizer yet");
        set
        {
            if (value < 0 || double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "weight decay must be >= 0");
            _weightDecay = value;
        }
    }

    /// <summary>The learning rate the group started with (the base of learning-rate schedules).</summary>
    public double InitialLearningRate { get; internal set; }

    internal void Resolve(double learningRate, double weightDecay)
    {
        LearningRate = _learningRate ?? learningRate;
        WeightDecay = _weightDecay ?? weightDecay;
        InitialLearningRate = LearningRate;
    }
}

/// <summary>
/// Updates parameters from their gradients. <see cref="Step"/> runs without autograd and frees its
/// temporaries; per-parameter state lives outside every dispose scope until the optimizer is disposed.
/// Parameters without a gradient are skipped.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<Tensor, ParamState> _state = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate, double weightDecay)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, weightDecay) { }

    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (learningRate < 0 || double.IsNaN(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be >= 0");
        if (weightDecay < 0 || double.IsNaN(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        ParamGroups = groups.ToArray();
        if (ParamGroups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group", nameof(groups));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in ParamGroups)
        {
            g.Resolve(learningRate, weightDecay);
            foreach (var p in g.Parameters)
            {
                if (!seen.Add(p)) throw new ArgumentException("a parameter appears in more than one place in the optimizer", nameof(groups));
                if (!p.DType.IsFloatingPoint()) throw new ArgumentException($"only floating-point tensors can be optimized, got {p.DType}", nameof(groups));
            }
        }
        if (seen.Count == 0) throw new ArgumentException("the optimizer got an empty parameter list", nameof(groups));
    }

    public IReadOnlyList<ParamGroup> ParamGroups { get; }

    /// <summary>The first group's learning rate; setting it sets every group's.</summary>
    public double LearningRate
    {
        get => ParamGroups[0].LearningRate;
        set { foreach (var g in ParamGroups) g.LearningRate = value; }
    }

    /// <summary>How many times <see cref="Step"/> has run.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = torch.NoGrad();
        using var scope = torch.NewDisposeScope();
        foreach (var group in ParamGroups)
        {
            foreach (var p in group.Parameters)
            {
                var grad = p.Grad;
                if (grad is null) continue;
                if (!_state.TryGetValue(p, out var state)) _state[p] = state = new ParamState();
                state.Step++;
                Update(group, p, grad, state);
            }
        }
        StepCount++;
    }

    /// <summary>Updates <paramref name="param"/> in place from <paramref name="grad"/> (autograd is off; temporaries are freed after the step).</summary>
    protected abstract void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    /// <summary>Clears every parameter's gradient (to none by default).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Parameters) p.ZeroGrad(setToNone);
    }

    /// <summary>The state of <paramref name="param"/>, or null before its first update.</summary>
    public ParamState? GetState(Tensor param) => _state.TryGetValue(param, out var s) ? s : null;

    /// <summary>
    /// The optimizer's state in a form <see cref="Serialization.Safetensors"/> saves directly: tensors named
    /// <c>state.{i}.{name}</c> (i = the parameter's position across all groups; the optimizer's own tensors, not
    /// copies: do not dispose them) and metadata with the step counts and each group's learning rate and weight decay.
    /// </summary>
    public (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) StateDict()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["optimizer"] = GetType().Name,
            ["step_count"] = StepCount.ToString(CultureInfo.InvariantCulture),
        };
        for (int g = 0; g < ParamGroups.Count; g++)
        {
            meta[$"group.{g}.lr"] = ParamGroups[g].LearningRate.ToString("R", CultureInfo.InvariantCulture);
            meta[$"group.{g}.weight_decay"] = ParamGroups[g].WeightDecay.ToString("R", CultureInfo.InvariantCulture);
        }
        int i = 0;
        foreach (var p in AllParameters())
        {
            if (_state.TryGetValue(p, out var s))
            {
                meta[$"state.{i}.step"] = s.Step.ToString(CultureInfo.InvariantCulture);
                foreach (var (name, t) in s.Tensors) tensors[$"state.{i}.{name}"] = t;
            }
            i++;
        }
        return (tensors, meta);
    }

    /// <summary>
    /// Restores what <see cref="StateDict"/> produced (for the same parameter layout): state tensors are copied
    /// onto each parameter's device and dtype, step counts and learning rates are restored.
    /// </summary>
    /// <exception cref="ArgumentException">The state belongs to another optimizer type or parameter layout; the message names the entry.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (metadata.TryGetValue("optimizer", out var kind) && kind != GetType().Name)
            throw new ArgumentException($"optimizer state was saved by {kind}, not {GetType().Name}", nameof(metadata));
        var parameters = AllParameters().ToArray();
        var restored = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        try
        {
            foreach (var (key, source) in tensors)
            {
                var parts = key.Split('.', 3);
                if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                    throw new ArgumentException($"unexpected optimizer state key '{key}'", nameof(tensors));
                if (index >= parameters.Length)
                    throw new ArgumentException($"optimizer state key '{key}' refers to parameter {index}, but the optimizer has {parameters.Length}", nameof(tensors));
                var p = parameters[index];
                if (!p.Shape.AsSpan().SequenceEqual(source.Shape))
                    throw new ArgumentException($"optimizer state '{key}' has shape [{string.Join(", ", source.Shape)}] but parameter {index} is [{string.Join(", ", p.Shape)}]", nameof(tensors));
                if (!restored.TryGetValue(p, out var state))
                {
                    state = new ParamState();
                    restored[p] = state;
                    if (!metadata.TryGetValue($"state.{index}.step", out var step) || !long.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        throw new ArgumentException($"optimizer state has tensors for parameter {index} but no valid 'state.{index}.step' entry", nameof(metadata));
                    state.Step = n;
                }
                if (state.Get(parts[2]) is not null) throw new ArgumentException($"optimizer state key '{key}' appears twice", nameof(tensors));
                using (torch.NoGrad())
                using (var converted = source.To(p.Device, p.DType))
                    state.GetOrCreate(parts[2], () => converted.Clone());
            }
        }
        catch
        {
            foreach (var s in restored.Values) s.Dispose();
            throw;
        }

        foreach (var s in _state.Values) s.Dispose();
        _state.Clear();
        foreach (var (p, s) in restored) _state[p] = s;
        if (metadata.TryGetValue("step_count", out var count) && long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var c)) StepCount = c;
        for (int g = 0; g < ParamGroups.Count; g++)
        {
            if (metadata.TryGetValue($"group.{g}.lr", out var lr) && double.TryParse(lr, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) ParamGroups[g].LearningRate = v;
            if (metadata.TryGetValue($"group.{g}.weight_decay", out var wd) && double.TryParse(wd, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)) ParamGroups[g].WeightDecay = w;
        }
    }

    private IEnumerable<Tensor> AllParameters() => ParamGroups.SelectMany(g => g.Parameters);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var s in _state.Values) s.Dispose();
        _state.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Per-parameter optimizer state: the update count and named tensors (momentum, moments...).</summary>
public sealed class ParamState : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Updates applied to this parameter so far (counting the current one during an update).</summary>
    public long Step { get; internal set; }

    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    public Tensor? Get(string name) => _tensors.TryGetValue(name, out var t) ? t : null;

    /// <summary>The state tensor <paramref name="name"/>, created by <paramref name="create"/> the first time (kept out of dispose scopes).</summary>
    public Tensor GetOrCreate(string name, Func<Tensor> create)
    {
        if (_tensors.TryGetValue(name, out var t)) return t;
        t = create().DetachFromDisposeScope();
        _tensors[name] = t;
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
