using MLExtensions.Data;
using MLExtensions.Torch;

namespace MLExtensions.Components.FewShot;

/// <summary>
/// Turns rows into encoder input: image paths are decoded, resized to ImageSize x ImageSize, made grey or RGB, scaled to
/// [0, 1] and optionally inverted (always, or only those with a bright background) ([N, C, S, S]); feature vectors are taken as they are ([N, D]).
/// </summary>
public static class FewShotInput
{
    /// <summary>
    /// Decodes <paramref name="paths"/> the way a model with <paramref name="options"/> does: resized to ImageSize²,
    /// grey or RGB, scaled to [0, 1], inverted when asked. Returns [N, C, S, S] on the CPU.
    /// </summary>
    public static Tensor LoadImages(FewShotOptions options, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(options);
        var batch = new DataBatch(new ImagePathColumn(options.ImageColumnName, paths.ToArray()));
        return LoadAll(options, true, batch, Device.CPU);
    }

    /// <summary>Whether <paramref name="schema"/> gives images (the image column) rather than feature vectors.</summary>
    internal static bool IsImage(FewShotOptions o, DataSchema schema)
    {
        if (schema.TryGetColumn(o.ImageColumnName, out var image) && image.Kind is ColumnKind.ImagePath or ColumnKind.Text) return true;
        if (schema.TryGetColumn(o.FeatureColumnName, out var f) && f.Kind == ColumnKind.FloatVector) return false;
        throw new ArgumentException(
            $"the data needs an image path column '{o.ImageColumnName}' or a feature-vector column '{o.FeatureColumnName}'; it has: {schema}");
    }

    /// <summary>Checks that <paramref name="schema"/> has the input a model of this kind reads.</summary>
    internal static void Check(FewShotOptions o, bool image, int featureSize, DataSchema schema)
    {
        if (image)
        {
            schema.Require(o.ImageColumnName, ColumnKind.ImagePath, ColumnKind.Text);
            return;
        }
        var f = schema.Require(o.FeatureColumnName, ColumnKind.FloatVector);
        if (f.VectorSize != featureSize)
            throw new ArgumentException($"column '{o.FeatureColumnName}' has {f.VectorSize} values per row; the model was trained on {featureSize}");
    }

    /// <summary>The encoder input of rows [start, start+count) of <paramref name="batch"/>, on <paramref name="device"/>.</summary>
    internal static Tensor Load(FewShotOptions o, bool image, DataBatch batch, int start, int count, Device device)
    {
        if (!image)
        {
            var col = (FloatVectorColumn)batch.GetColumn<FloatVectorColumn>(o.FeatureColumnName).Slice(start, count);
            return col.ToTensor(device);
        }
        var paths = (StringColumn)batch[o.ImageColumnName];
        int channels = o.Grayscale ? 1 : 3;
        var images = new Tensor[count];
        using (var scope = torch.NewDisposeScope())
        {
            for (int i = 0; i < count; i++)
            {
                var path = paths[start + i];
                if (string.IsNullOrEmpty(path)) throw new ArgumentException($"column '{o.ImageColumnName}', row {start + i}: empty image path");
                try
                {
                    images[i] = Images.Decode(path, channels, o.ImageSize, o.ImageSize);
                }
                catch (TorchException e)
                {
                    throw new InvalidDataException($"image '{path}' cannot be read: {e.Message}", e);
                }
            }
            var x = torch.Stack(images).To(device).Permute(0, 3, 1, 2).Float() / 255.0;
            if (o.AutoInvert) x = DarkBackground(x);
            if (o.Invert) x = 1.0 - x;
            return x.Contiguous().MoveToOuterDisposeScope();
        }
    }

    /// <summary>Inverts the images [N, C, H, W] in [0, 1] whose one-pixel border has a mean above 0.5.</summary>
    internal static Tensor DarkBackground(Tensor x)
    {
        long h = x.Size(2), w = x.Size(3);
        var border = torch.Cat([x.Narrow(2, 0, 1).Flatten(1), x.Narrow(2, h - 1, 1).Flatten(1), x.Narrow(3, 0, 1).Flatten(1), x.Narrow(3, w - 1, 1).Flatten(1)], 1);
        var flip = border.Mean(1).Gt(0.5).Float().View(-1, 1, 1, 1);
        return x + flip * (1.0 - x * 2.0);
    }

    /// <summary>The whole batch as encoder input, loaded in chunks.</summary>
    internal static Tensor LoadAll(FewShotOptions o, bool image, DataBatch batch, Device device)
    {
        if (batch.RowCount == 0) throw new ArgumentException("the data has no rows");
        if (!image) return Load(o, image, batch, 0, batch.RowCount, device);
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (int s = 0; s < batch.RowCount; s += 512) parts.Add(Load(o, image, batch, s, Math.Min(512, batch.RowCount - s), device));
        return torch.Cat(parts).MoveToOuterDisposeScope();
    }
}
