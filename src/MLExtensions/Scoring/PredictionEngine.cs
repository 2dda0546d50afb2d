using MLExtensions.Data;

namespace MLExtensions.Scoring;

/// <summary>
/// Scores objects with a fitted model: inputs are mapped to columns by property (as the POCO loader does), scored in
/// one forward pass, and output columns are mapped back to the settable properties of <typeparamref name="TOut"/>.
/// An engine is not meant to be shared between threads; use <see cref="PredictionEnginePool{TIn, TOut}"/> in services.
/// </summary>
public sealed class PredictionEngine<TIn, TOut> : IDisposable where TOut : class, new()
{
    private readonly ITransformer _model;
    private readonly bool _ownsModel;

    /// <summary>Wraps <paramref name="model"/>; with <paramref name="ownsModel"/>, disposing the engine disposes the model.</summary>
    public PredictionEngine(ITransformer model, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _ownsModel = ownsModel;
    }

    /// <summary>The model behind the engine.</summary>
    public ITransformer Model => _model;

    /// <summary>Scores one example.</summary>
    public TOut Predict(TIn example) => PredictBatch([example])[0];

    /// <summary>Scores many examples in one forward pass.</summary>
    public IReadOnlyList<TOut> PredictBatch(IReadOnlyList<TIn> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) return [];
        var input = PocoMapper.ToBatch(examples);
        var output = BatchScorer.ScoreOne(input, _model.Transform);
        return PocoMapper.FromBatch<TOut>(output).ToArray();
    }

    /// <summary>Disposes the model when the engine owns it.</summary>
    public void Dispose()
    {
        if (_ownsModel) _model.Dispose();
    }
}
