using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>Image files to encoder input: decoding with clear errors, scaling to [-1, 1], random resized crops.</summary>
internal static class ImageInputs
{
    /// <summary>
    /// Decodes <paramref name="paths"/> to one uint8 tensor [N, size, size, 3]. A missing file raises
    /// <see cref="FileNotFoundException"/> and a file that is not an image <see cref="InvalidDataException"/>, both naming
    /// the file and its row.
    /// </summary>
    public static Tensor Decode(IReadOnlyList<string> paths, int size, int firstRow = 0)
    {
        var images = new List<Tensor>(paths.Count);
        try
        {
            for (int i = 0; i < paths.Count; i++)
            {
                var path = paths[i];
                if (string.IsNullOrWhiteSpace(path))
                    throw new ArgumentException($"row {firstRow + i}: the image path is empty");
                if (!File.Exists(path))
                    throw new FileNotFoundException($"row {firstRow + i}: image file not found: {path}", path);
                try
                {
                    images.Add(Images.Decode(path, 3, size, size));
                }
                catch (TorchException e)
                {
                    throw new InvalidDataException($"row {firstRow + i}: {path} is not a readable image ({e.Message})", e);
                }
            }
            return images.Count == 0 ? torch.Zeros([0, size, size, 3], ScalarType.UInt8) : torch.Stack(images);
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }

    /// <summary>uint8 [N, S, S, 3] → float [N, 3, S, S] in [-1, 1] on <paramref name="device"/>.</summary>
    public static Tensor ToInput(Tensor pixels, Device device)
    {
        using var onDevice = pixels.To(device);
        using var chw = onDevice.Permute(0, 3, 1, 2);
        using var f = chw.To(ScalarType.Float32);
        using var scaled = f / 127.5;
        return scaled - 1.0;
    }

    /// <summary>
    /// A random resized crop of each image of [N, 3, S, S] (area fraction in [<paramref name="minScale"/>, 1], aspect ratio
    /// in [3/4, 4/3], bilinear back to S x S), optionally flipped horizontally with probability 1/2.
    /// </summary>
    public static Tensor Augment(Tensor images, Random random, double minScale, bool flip)
    {
        long n = images.Size(0), s = images.Size(2);
        var crops = new Tensor[n];
        try
        {
            for (long i = 0; i < n; i++)
            {
                double area = minScale + (1 - minScale) * random.NextDouble();
                double ratio = Math.Exp(Math.Log(3.0 / 4) + (Math.Log(4.0 / 3) - Math.Log(3.0 / 4)) * random.NextDouble());
                long w = Math.Clamp((long)Math.Round(s * Math.Sqrt(area * ratio)), 1, s);
                long h = Math.Clamp((long)Math.Round(s * Math.Sqrt(area / ratio)), 1, s);
                long top = random.NextInt64(s - h + 1), left = random.NextInt64(s - w + 1);
                using var one = images.Narrow(0, i, 1);
                using var rows = one.Narrow(2, top, h);
                using var box = rows.Narrow(3, left, w);
                var resized = Resize(box, s);
                if (flip && random.Next(2) == 1)
                {
                    var flipped = resized.Flip(3);
                    resized.Dispose();
                    resized = flipped;
                }
                crops[i] = resized;
            }
            return torch.Cat(crops, 0);
        }
        finally
        {
            foreach (var c in crops) c?.Dispose();
        }
    }

    private static Tensor Resize(Tensor image, long size) =>
        image.Size(2) == size && image.Size(3) == size
            ? image.Clone()
            : Torch.Interop.Op.Get("aten::upsample_bilinear2d").Call(image, new long[] { size, size }, false);
}
