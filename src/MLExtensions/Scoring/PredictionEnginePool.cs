using System.Collections.Concurrent;

namespace MLExtensions.Scoring;

/// <summary>
/// A thread-safe pool of <see cref="PredictionEngine{TIn, TOut}"/>: each call rents an engine, scores, and returns it.
/// Engines come from a factory, so they may share one model (its forward pass only reads weights) or each load their own.
/// </summary>
public sealed class PredictionEnginePool<TIn, TOut> : IDisposable where TOut : class, new()
{
    private readonly Func<PredictionEngine<TIn, TOut>> _factory;
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _idle = new();
    private readonly int _maxRetained;
    private int _retained;
    private volatile bool _disposed;

    /// <summary>A pool creating engines with <paramref name="factory"/> and keeping at most <paramref name="maxRetained"/> idle ones.</summary>
    public PredictionEnginePool(Func<PredictionEngine<TIn, TOut>> factory, int maxRetained = 0)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
        _maxRetained = maxRetained > 0 ? maxRetained : Environment.ProcessorCount;
    }

    /// <summary>A pool whose engines all share <paramref name="model"/> (the pool does not dispose it).</summary>
    public static PredictionEnginePool<TIn, TOut> ForModel(ITransformer model, int maxRetained = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new PredictionEnginePool<TIn, TOut>(() => new PredictionEngine<TIn, TOut>(model), maxRetained);
    }

    /// <summary>Idle engines currently kept.</summary>
    public int IdleCount => _idle.Count;

    /// <summary>An engine for the caller's exclusive use; give it back with <see cref="Return"/>.</summary>
    public PredictionEngine<TIn, TOut> Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _retained);
            return engine;
        }
        return _factory();
    }

    /// <summary>Gives an engine back; beyond the retention limit it is disposed.</summary>
    public void Return(PredictionEngine<TIn, TOut> engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!_disposed && Interlocked.Increment(ref _retained) <= _maxRetained)
        {
            _idle.Add(engine);
            return;
        }
        if (!_disposed) Interlocked.Decrement(ref _retained);
        engine.Dispose();
    }

    /// <summary>Scores one example with a pooled engine.</summary>
    public TOut Predict(TIn example)
    {
        var engine = Rent();
        try { return engine.Predict(example); }
        finally { Return(engine); }
    }

    /// <summary>Scores many examples in one forward pass with a pooled engine.</summary>
    public IReadOnlyList<TOut> PredictBatch(IReadOnlyList<TIn> examples)
    {
        var engine = Rent();
        try { return engine.PredictBatch(examples); }
        finally { Return(engine); }
    }

    /// <summary>Disposes the idle engines; engines returned later are disposed on return.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var engine)) engine.Dispose();
    }
}
