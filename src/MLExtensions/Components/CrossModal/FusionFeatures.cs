using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The fusion head's per-item inputs, computed once with the embeddings so that re-ranking runs only the head: image
/// tokens [N, P, W], or text tokens [N, T, W] with their ids [N, T] (one padding length for all rows). CPU tensors.
/// </summary>
internal sealed class FusionFeatures : IDisposable
{
    public FusionFeatures(Tensor tokens, Tensor? ids)
    {
        Tokens = tokens.DetachFromDisposeScope();
        Ids = ids?.DetachFromDisposeScope();
    }

    public Tensor Tokens { get; }

    /// <summary>Text ids (padding = <see cref="BpeTokenizer.PadId"/>), or null for image tokens.</summary>
    public Tensor? Ids { get; }

    public long Count => Tokens.Size(0);

    public void Dispose()
    {
        Tokens.Dispose();
        Ids?.Dispose();
    }
}
