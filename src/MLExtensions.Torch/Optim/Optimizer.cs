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
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
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
