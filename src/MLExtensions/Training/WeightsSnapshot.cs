using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Training;

/// <summary>A detached copy of a module's state dict (same device), outside every dispose scope.</summary>
internal sealed class WeightsSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private WeightsSnapshot(Dictionary<string, Tensor> tensors) => _tensors = tensors;

    public static WeightsSnapshot Capture(Module module)
    {
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var noGrad = torch.NoGrad();
            using var scope = torch.NewDisposeScope();
            foreach (var (name, tensor) in module.StateDict())
                copies[name] = tensor.Detach().Clone().DetachFromDisposeScope();
        }
        catch
        {
            foreach (var t in copies.Values) t.Dispose();
            throw;
        }
        return new WeightsSnapshot(copies);
    }

    public void RestoreInto(Module module) => module.LoadStateDict(_tensors, strict: true);

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
    }
}
