namespace MLExtensions.Components.CrossModal;

/// <summary>Which image encoder a <see cref="CrossModalEncoderTrainer"/> trains.</summary>
public enum ImageEncoderKind
{
    /// <summary>A small ResNet-style CNN: a strided stem, residual stages that halve the resolution, global average pooling.</summary>
    Cnn,

    /// <summary>A vision transformer: patch embedding, a class token, learned positions, pre-norm transformer layers.</summary>
    Vit,
}
