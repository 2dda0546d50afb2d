namespace MLExtensions.Torch.Optim;

/// <summary>Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).</summary>
public static class GradClipping
{
    /// <summary>
    /// Scales all gradients together so that their combined <paramref name="normType"/>-norm is at most
    /// <paramref name="maxNorm"/> (factor maxNorm / (norm + 1e-6) when the norm is larger). Parameters without
    /// a gradient are ignored.
    /// </summary>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    /// <exception cref="InvalidOperationException">The norm is NaN or infinite and <paramref name="errorIfNonfinite"/> is set.</exception>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be >= 0");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), normType, "norm type must be > 0 (or +inf)");
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        var grads = new List<Tensor>();
        foreach (var p in parameters)
            if (p.Grad is { } g) grads.Add(g);
        if (grads.Count == 0) return 0;

        var device = grads[0].Device;
        var norms = grads.Select(g => g.Norm(normType).To(device, ScalarType.Float64)).ToArray();
        double total = Torch.Stack(norms).Norm(normType).Item<double>();
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException($"the total gradient norm is {total}; clipping would produce NaN or infinite gradients");
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1)
            foreach (var g in grads) g.Mul_(coef);
        return total;
    }

    /// <summary>Clamps every gradient element into [-<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clip value must be >= 0");
        using var noGrad = Torch.NoGrad();
        using var scope = Torch.NewDisposeScope();
        foreach (var p in parameters)
            p.Grad?.Clamp_(-clipValue, clipValue);
    }
}
