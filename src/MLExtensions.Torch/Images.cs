using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch;

/// <summary>Image decoding (PNG, JPEG, BMP... through OpenCV) into uint8 tensors [H, W, C], RGB order for colour.</summary>
public static class Images
{
    /// <summary>
    /// Decodes <paramref name="path"/> to <paramref name="channels"/> (1 = grayscale, 3 = RGB) and resizes to
    /// height x width when they are positive (area interpolation when shrinking). Throws <see cref="TorchException"/>
    /// naming the file when it is missing or not an image.
    /// </summary>
    public static Tensor Decode(string path, int channels = 3, int height = 0, int width = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        NativeMethods.Check(NativeMethods.mlx_image_decode_file(path, channels, height, width, out var h));
        return new Tensor(h);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    public static unsafe Tensor Decode(ReadOnlySpan<byte> encoded, int channels = 3, int height = 0, int width = 0)
    {
        fixed (byte* p = encoded)
        {
            NativeMethods.Check(NativeMethods.mlx_image_decode_buffer(p, encoded.Length, channels, height, width, out var h));
            return new Tensor(h);
        }
    }
}
