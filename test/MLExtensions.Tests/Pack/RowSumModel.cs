using MLExtensions.Data;
using MLExtensions.Model;
using MLExtensions.Torch;

namespace MLExtensions.Tests.Pack;

/// <summary>A minimal component for registry and scoring tests: Score = Features · w.</summary>
internal sealed class RowSumModel : ITransformer
{
    public const string ComponentName = "Test.RowSum";

    private readonly Tensor _weights;

    public RowSumModel(Tensor weights) => _weights = weights.DetachFromDisposeScope();

    public int TransformCalls;

    public static ITransformer Load(LoadedModel model, MLExtContext context)
    {
        var w = model.GetWeight("w");
        model.Weights.Remove("w");
        return new RowSumModel(w);
    }

    public DataSchema GetOutputSchema(DataSchema inputSchema)
    {
        var features = inputSchema.Require("Features", ColumnKind.FloatVector);
        if (features.VectorSize != _weights.NumEl)
            throw new ArgumentException($"Features has {features.VectorSize} slots; the model needs {_weights.NumEl}");
        return new DataSchema(inputSchema.Append(new ColumnSchema("Score", ColumnKind.Float)));
    }

    public DataBatch Transform(DataBatch input)
    {
        Interlocked.Increment(ref TransformCalls);
        GetOutputSchema(input.Schema);
        var x = input.GetColumn<FloatVectorColumn>("Features").ToTensor();
        var score = x.Matmul(_weights);
        return input.Append(FloatColumn.FromTensor("Score", score));
    }

    public void Save(string path)
    {
        var manifest = new ModelManifest(ComponentName, 2) { ParameterCount = _weights.NumEl };
        ModelFile.Save(path, manifest, new Dictionary<string, Tensor> { ["w"] = _weights });
    }

    public void Dispose() => _weights.Dispose();
}
