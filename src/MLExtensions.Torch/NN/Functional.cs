using MLExtensions.Torch.Interop;

namespace MLExtensions.Torch.NN;

/// <summary>How a loss reduces over elements (values match ATen's reduction enum).</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

/// <summary>Stateless neural-network functions, named after torch.nn.functional.</summary>
public static class Functional
{
    private static Op O(string name, string overload = "") => Op.Get(name, overload);
    private static Arg Opt(Tensor? t) => t;
    private static long[] Pair(long v) => new[] { v, v };

    public static Tensor Relu(Tensor x) => x.Relu();
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false) => x.Gelu(tanhApproximation);
    public static Tensor Silu(Tensor x) => x.Silu();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

    /// <summary>y = x W^T + b.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => O("aten::linear").Call(input, weight, Opt(bias));

    public static Tensor Dropout(Tensor input, double p, bool training)
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        return O("aten::dropout").Call(input, p, training);
    }

    public static Tensor Embedding(Tensor weight, Tensor indices, long paddingIdx = -1) =>
        O("aten::embedding").Call(weight, indices, paddingIdx);

    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        O("aten::layer_norm").Call(input, normalizedShape, Opt(weight), Opt(bias), eps);

    /// <summary>Batch normalisation; in training mode updates the running statistics in place.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        O("aten::batch_norm").Call(input, Opt(weight), Opt(bias), Opt(runningMean), Opt(runningVar), training, momentum, eps, true);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        O("aten::conv2d").Call(input, weight, Opt(bias), Pair(stride), Pair(padding), Pair(dilation), groups);

    public static Tensor MaxPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false) =>
        O("aten::max_pool2d").Call(input, Pair(kernelSize), Pair(stride ?? kernelSize), Pair(padding), Pair(1), ceilMode);

    public static Tensor AvgPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0) =>
        O("aten::avg_pool2d").Call(input, Pair(kernelSize), Pair(stride ?? kernelSize), Pair(padding));

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputH, long outputW) =>
        O("aten::adaptive_avg_pool2d").Call(input, new[] { outputH, outputW });

    /// <summary>Pads the last dimensions: pad = [left, right, top, bottom, ...] like torch.nn.functional.pad.</summary>
    public static Tensor Pad(Tensor input, long[] pad, double value = 0) => O("aten::constant_pad_nd").Call(input, pad, value);

    /// <summary>x / max(||x||_p, eps) along <paramref name="dim"/>.</summary>
    public static Tensor Normalize(Tensor input, double p = 2.0, int dim = 1, double eps = 1e-12)
    {
        using var norm = input.Norm(p, new[] { dim }, keepDim: true).DetachFromDisposeScope();
        using var clamped = norm.ClampMin(eps).DetachFromDisposeScope();
        return input / clamped;
    }

    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8) => torch.CosineSimilarity(x1, x2, dim, eps);
    public static Tensor Cdist(Tensor x1, Tensor x2, double p = 2.0) => torch.Cdist(x1, x2, p);
    public static Tensor OneHot(Tensor indices, long numClasses) => O("aten::one_hot").Call(indices, numClasses);

    // ---- losses ---------------------------------------------------------------------------------

    /// <summary>
    /// Cross-entropy of logits [N, C] (or [N, C, ...]) against class indices [N] or class probabilities [N, C],
    /// with optional class weights, label smoothing and ignore index.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        return O("aten::cross_entropy_loss").Call(logits, target, Opt(weight), (long)reduction, ignoreIndex, labelSmoothing);
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C] against class indices [N].</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        O("aten::nll_loss_nd").Call(logProbs, target, Opt(weight), (long)reduction, ignoreIndex);

    /// <summary>
    /// KL(target || input) where <paramref name="input"/> holds log-probabilities (torch.nn.functional.kl_div);
    /// <paramref name="batchMean"/> divides the sum by the batch size, the mathematically correct KL per sample.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, bool batchMean = true, bool logTarget = false, Reduction reduction = Reduction.Mean)
    {
        if (!batchMean) return O("aten::kl_div").Call(input, target, (long)reduction, logTarget);
        using var sum = O("aten::kl_div").Call(input, target, (long)Reduction.Sum, logTarget).DetachFromDisposeScope();
        return sum / (double)input.Size(0);
    }

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        O("aten::mse_loss").Call(input, target, (long)reduction);

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        O("aten::l1_loss").Call(input, target, (long)reduction);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean) =>
        O("aten::binary_cross_entropy_with_logits").Call(logits, target, Opt(weight), Opt(posWeight), (long)reduction);
}
