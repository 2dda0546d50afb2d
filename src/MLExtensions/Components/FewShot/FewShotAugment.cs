using MLExtensions.Torch;
using MLExtensions.Torch.Interop;

namespace MLExtensions.Components.FewShot;

/// <summary>Training-time image augmentation: a small random affine transform per image.</summary>
internal static class FewShotAugment
{
    /// <summary>
    /// Rotates each image of [N, C, H, W] by up to ±10°, scales it by 0.9-1.1 and shifts it by up to 10 % of its side
    /// (bilinear, zero padding).
    /// </summary>
    public static Tensor AffineJitter(Tensor x, Random random)
    {
        long n = x.Size(0);
        var theta = new float[n * 6];
        for (long i = 0; i < n; i++)
        {
            double angle = (random.NextDouble() * 2 - 1) * Math.PI / 18;
            double scale = 0.9 + 0.2 * random.NextDouble();
            double tx = (random.NextDouble() * 2 - 1) * 0.2, ty = (random.NextDouble() * 2 - 1) * 0.2; // grid units: side = 2
            double c = Math.Cos(angle) / scale, s = Math.Sin(angle) / scale;
            theta[i * 6 + 0] = (float)c; theta[i * 6 + 1] = (float)-s; theta[i * 6 + 2] = (float)tx;
            theta[i * 6 + 3] = (float)s; theta[i * 6 + 4] = (float)c; theta[i * 6 + 5] = (float)ty;
        }
        var t = Tensor.From(theta, n, 2, 3).To(x.Device);
        var grid = Op.Get("aten::affine_grid_generator").Call(t, x.Shape, false);
        return Op.Get("aten::grid_sampler").Call(x, grid, 0L, 0L, false);
    }
}
