namespace MLExtensions.Torch;

/// <summary>
/// Deterministic native memory: every tensor created on this thread while a scope is open belongs to it
/// and is freed when the scope is disposed, unless moved out (<see cref="Tensor.MoveToOuterDisposeScope"/>)
/// or detached (<see cref="Tensor.DetachFromDisposeScope"/>). Open one per training step or scoring batch.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly List<Tensor> _tensors = new();
    private bool _disposed;

    private DisposeScope(DisposeScope? outer) { Outer = outer; }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static DisposeScope? Current => _current;

    internal DisposeScope? Outer { get; }

    /// <summary>Opens a scope nested in the current one.</summary>
    public static DisposeScope Begin()
    {
        var scope = new DisposeScope(_current);
        _current = scope;
        return scope;
    }

    /// <summary>Tensors currently owned by this scope.</summary>
    public int Count => _tensors.Count(t => t.Scope == this);

    internal void Attach(Tensor t)
    {
        t.Scope = this;
        _tensors.Add(t);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors)
            if (t.Scope == this) { t.Scope = null; t.Dispose(); }
        _tensors.Clear();
        // Scopes close in LIFO order on one thread; a scope closed out of order restores its own outer.
        if (_current == this) _current = Outer;
    }
}
