using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// Symmetric InfoNCE (the CLIP objective): in a batch of B matching pairs, each image must pick its own caption among
/// the B captions and each caption its own image. The logits are the cosine similarities times a learned scale
/// exp(logitScale), clamped at <see cref="MaxLogitScale"/> so the temperature cannot collapse.
/// </summary>
public static class ContrastiveLoss
{
    /// <summary>The initial temperature (scale 1/0.07).</summary>
    public const double InitialTemperature = 0.07;

    /// <summary>The largest logit scale (temperature 0.01).</summary>
    public const double MaxLogitScale = 100;

    /// <summary>The initial value of the learned log scale: ln(1/0.07).</summary>
    public static double InitialLogScale => Math.Log(1 / InitialTemperature);

    /// <summary>The scale applied to cosine similarities: exp(<paramref name="logScale"/>) clamped at 100.</summary>
    public static Tensor Scale(Tensor logScale)
    {
        using var e = logScale.Exp();
        return e.ClampMax(MaxLogitScale);
    }

    /// <summary>
    /// The mean of the image→text and text→image cross-entropies of scale · I·Tᵀ, where row i of
    /// <paramref name="imageEmbeddings"/> [B, D] matches row i of <paramref name="textEmbeddings"/> [B, D]
    /// (both L2-normalised) and <paramref name="logScale"/> is a scalar.
    /// </summary>
    public static Tensor SymmetricInfoNce(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor logScale)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        ArgumentNullException.ThrowIfNull(textEmbeddings);
        ArgumentNullException.ThrowIfNull(logScale);
        if (imageEmbeddings.Dim != 2 || textEmbeddings.Dim != 2 || imageEmbeddings.Size(0) != textEmbeddings.Size(0))
            throw new ArgumentException($"InfoNCE needs two [B, D] batches of the same size, got [{string.Join(", ", imageEmbeddings.Shape)}] and [{string.Join(", ", textEmbeddings.Shape)}]");
        using var scale = Scale(logScale);
        using var tt = textEmbeddings.T();
        using var sims = imageEmbeddings.Mm(tt);
        using var logits = sims * scale;
        using var targets = torch.Arange(imageEmbeddings.Size(0), device: imageEmbeddings.Device);
        using var logitsT = logits.T();
        using var imageToText = Functional.CrossEntropy(logits, targets);
        using var textToImage = Functional.CrossEntropy(logitsT, targets);
        using var sum = imageToText + textToImage;
        return sum * 0.5;
    }
}
