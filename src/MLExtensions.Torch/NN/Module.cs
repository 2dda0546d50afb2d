namespace MLExtensions.Torch.NN;

/// <summary>
/// A neural-network building block that owns named parameters (trainable tensors), buffers (state such as
/// running statistics) and sub-modules. Names compose with dots (<c>layers.0.weight</c>) exactly like
/// PyTorch's state dicts, so checkpoints line up key for key.
/// </summary>
/// <remarks>
/// Every tensor a module keeps is removed from dispose scopes when registered: a training loop may open a
/// scope per step without freeing the model. Disposing the module frees its tensors and its sub-modules'.
/// Tensors returned by <see cref="Parameters"/>, <see cref="NamedParameters"/>, <see cref="NamedBuffers"/> and
/// <see cref="StateDict"/> are the module's own: read or update them, never dispose them.
/// </remarks>
public abstract class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor> _parameters = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nonPersistent = new(StringComparer.Ordinal);
    private readonly OrderedDictionary<string, Module> _modules = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>True in training mode (dropout active, batch statistics); false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    // ---- registration ---------------------------------------------------------------------------

    private void CheckName(string name, string kind)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.')) throw new ArgumentException($"{kind} name '{name}' must not contain '.'", nameof(name));
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
    }

    /// <summary>
    /// Registers <paramref name="tensor"/> as the trainable parameter <paramref name="name"/> and returns it.
    /// The module takes ownership: the tensor leaves its dispose scope and gets requires_grad.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor tensor, bool requiresGrad = true)
    {
        CheckName(name, "parameter");
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.DetachFromDisposeScope();
        tensor.RequiresGrad = requiresGrad;
        _parameters.Add(name, tensor);
        return tensor;
    }

    /// <summary>
    /// Registers <paramref name="tensor"/> as the buffer <paramref name="name"/> (state that is saved but not
    /// trained) and returns it. Non-persistent buffers are left out of <see cref="StateDict"/>.
    /// </summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor, bool persistent = true)
    {
        CheckName(name, "buffer");
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.DetachFromDisposeScope();
        _buffers.Add(name, tensor);
        if (!persistent) _nonPersistent.Add(name);
        return tensor;
    }

    /// <summary>Registers <paramref name="module"/> as the child <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name, "module");
        ArgumentNullException.ThrowIfNull(module);
        if (ReferenceEquals(module, this)) throw new ArgumentException("a module cannot contain itself", nameof(module));
        _modules.Add(name, module);
        module.Train(IsTraining);
        return module;
    }

    /// <summary>This module's own parameter <paramref name="name"/> (no dots), or null.</summary>
    protected Tensor? GetParameter(string name) => _parameters.TryGetValue(name, out var t) ? t : null;

    /// <summary>This module's own buffer <paramref name="name"/> (no dots), or null.</summary>
    protected Tensor? GetBuffer(string name) => _buffers.TryGetValue(name, out var t) ? t : null;

    /// <summary>The direct child <paramref name="name"/>, or null.</summary>
    protected Module? GetModule(string name) => _modules.TryGetValue(name, out var m) ? m : null;

    // ---- enumeration ----------------------------------------------------------------------------

    /// <summary>Direct children with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var kv in _modules) yield return (kv.Key, kv.Value);
    }

    /// <summary>This module (name "") and every descendant, depth first, each once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return NamedModules("", seen);
    }

    private IEnumerable<(string Name, Module Module)> NamedModules(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var kv in _modules)
            foreach (var item in kv.Value.NamedModules(Join(prefix, kv.Key), seen))
                yield return item;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Every parameter with its dotted name; a tensor shared by several modules appears once.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
            foreach (var kv in m._parameters)
                if (seen.Add(kv.Value)) yield return (Join(prefix, kv.Key), kv.Value);
    }

    /// <summary>Every parameter (for an optimizer).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name (persistent or not).</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, m) in NamedModules())
            foreach (var kv in m._buffers)
                if (seen.Add(kv.Value)) yield return (Join(prefix, kv.Key), kv.Value);
    }

    /// <summary>Number of scalar values in all parameters.</summary>
    public long ParameterCount(bool trainableOnly = false)
    {
        long n = 0;
        foreach (var p in Parameters())
            if (!trainableOnly || p.RequiresGrad) n += p.NumEl;
        return n;
    }

    // ---- state dict -----------------------------------------------------------------------------

    /// <summary>
    /// Parameters and persistent buffers by dotted name, in registration order. The values are the module's
    /// own tensors (no copies): save them, do not dispose them.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (prefix, m) in NamedModules())
        {
            foreach (var kv in m._parameters) result.TryAdd(Join(prefix, kv.Key), kv.Value);
            foreach (var kv in m._buffers)
                if (!m._nonPersistent.Contains(kv.Key)) result.TryAdd(Join(prefix, kv.Key), kv.Value);
        }
        return result;
    }

    /// <summary>
    /// Copies <paramref name="state"/> into this module's parameters and buffers (values are converted to each
    /// target's dtype and device). Everything is checked before anything is copied: a shape mismatch always
    /// fails, and with <paramref name="strict"/> so do missing and unexpected keys.
    /// </summary>
    /// <exception cref="ArgumentException">The state does not fit; the message names every offending key.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var mismatched = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!state.TryGetValue(key, out var source)) continue;
            if (source is null) { mismatched.Add($"'{key}': value is null"); continue; }
            var have = target.Shape;
            var got = source.Shape;
            if (!have.AsSpan().SequenceEqual(got))
                mismatched.Add($"'{key}': checkpoint shape [{string.Join(", ", got)}], model shape [{string.Join(", ", have)}]");
        }

        var problems = new List<string>();
        if (mismatched.Count > 0) problems.Add("size mismatch for " + string.Join("; ", mismatched));
        if (strict && missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing.Select(k => $"'{k}'")));
        if (strict && unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected.Select(k => $"'{k}'")));
        if (problems.Count > 0)
            throw new ArgumentException($"error loading state dict into {GetType().Name}: {string.Join(". ", problems)}", nameof(state));

        using (Torch.NoGrad())
        {
            foreach (var (key, target) in own)
                if (state.TryGetValue(key, out var source)) target.Copy_(source);
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    // ---- modes, devices, gradients --------------------------------------------------------------

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    public Module Train(bool on = true)
    {
        IsTraining = on;
        foreach (var kv in _modules) kv.Value.Train(on);
        return this;
    }

    /// <summary>Evaluation mode: dropout off, batch norm uses its running statistics.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Moves every parameter and buffer to <paramref name="device"/> (keeping requires_grad; gradients are
    /// cleared). Tensors are replaced, so create optimizers after moving the model.
    /// </summary>
    public Module To(Device device) => Convert(t => t.Device == device ? null : t.To(device));

    /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/> (integer buffers stay).</summary>
    public Module To(ScalarType dtype)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"modules convert only to floating-point dtypes, not {dtype}", nameof(dtype));
        return Convert(t => !t.DType.IsFloatingPoint() || t.DType == dtype ? null : t.To(dtype));
    }

    private Module Convert(Func<Tensor, Tensor?> convert)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var replaced = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        using (Torch.NoGrad())
        {
            foreach (var (_, m) in NamedModules())
            {
                ConvertAll(m._parameters, convert, replaced, parameters: true);
                ConvertAll(m._buffers, convert, replaced, parameters: false);
            }
        }
        foreach (var old in replaced.Keys) old.Dispose();
        return this;
    }

    private static void ConvertAll(OrderedDictionary<string, Tensor> slots, Func<Tensor, Tensor?> convert,
        Dictionary<Tensor, Tensor> replaced, bool parameters)
    {
        for (int i = 0; i < slots.Count; i++)
        {
            var old = slots.GetAt(i).Value;
            if (!replaced.TryGetValue(old, out var moved))
            {
                var converted = convert(old);
                if (converted is null) continue;
                converted.DetachFromDisposeScope();
                if (parameters) converted.RequiresGrad = old.RequiresGrad;
                replaced[old] = converted;
                moved = converted;
            }
            slots.SetAt(i, moved);
        }
    }

    /// <summary>Clears every parameter's gradient (to none by default, like PyTorch 2).</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters()) p.ZeroGrad(setToNone);
    }

    // ---- lifetime -------------------------------------------------------------------------------

    /// <summary>Frees this module's parameters and buffers and disposes its sub-modules.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (!disposing) return;
        foreach (var kv in _modules) kv.Value.Dispose();
        foreach (var kv in _parameters) kv.Value.Dispose();
        foreach (var kv in _buffers) kv.Value.Dispose();
    }

    public bool IsDisposed => _disposed;

    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        Describe(sb, 0);
        return sb.ToString();
    }

    /// <summary>A one-line summary of this module's configuration (shown by <see cref="ToString"/>).</summary>
    protected virtual string ExtraDescription() => "";

    private void Describe(System.Text.StringBuilder sb, int indent)
    {
        sb.Append(GetType().Name).Append('(').Append(ExtraDescription());
        if (_modules.Count > 0)
        {
            sb.AppendLine();
            foreach (var kv in _modules)
            {
                sb.Append(' ', indent + 2).Append('(').Append(kv.Key).Append("): ");
                kv.Value.Describe(sb, indent + 2);
                sb.AppendLine();
            }
            sb.Append(' ', indent);
        }
        sb.Append(')');
    }
}

/// <summary>Keys that <see cref="Module.LoadStateDict"/> left alone (only non-empty when not strict).</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

/// <summary>A module that maps one tensor to one tensor; the element type of <c>Sequential</c>.</summary>
public abstract class Layer : Module
{
    /// <summary>Computes the output. Temporaries belong to the caller's dispose scope.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor input) => Forward(input);
}
