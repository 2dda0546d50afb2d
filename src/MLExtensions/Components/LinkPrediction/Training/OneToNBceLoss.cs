using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.LinkPrediction;

/// <summary>
/// 1-N scoring loss: a query (h, r, ?) or (?, r, t) is scored against every entity and each score is a binary
/// decision "is this a true answer", with binary cross-entropy against the multi-hot vector of the known answers.
/// Label smoothing moves targets to (1 − ε)·y + ε/N so that the model is not pushed to infinite logits.
/// The loss is summed over entities and averaged over queries.
/// </summary>
public sealed class OneToNBceLoss
{
    /// <summary>Creates the loss with label smoothing <paramref name="labelSmoothing"/> in [0, 1).</summary>
    public OneToNBceLoss(double labelSmoothing = 0.1)
    {
        if (labelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1)");
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>ε.</summary>
    public double LabelSmoothing { get; }

    /// <summary>The loss of <paramref name="scores"/> [B, N] against multi-hot <paramref name="targets"/> [B, N].</summary>
    public Tensor Compute(Tensor scores, Tensor targets)
    {
        long n = scores.Size(1);
        var smoothed = LabelSmoothing > 0 ? targets * (1 - LabelSmoothing) + LabelSmoothing / n : targets;
        return Functional.BinaryCrossEntropyWithLogits(scores, smoothed, reduction: Reduction.Sum) / scores.Size(0);
    }

    /// <summary>
    /// A [rows, columns] float tensor with 1 at each (row, answer) pair: <paramref name="answers"/>[i] are the
    /// true entities of query i.
    /// </summary>
    public static Tensor MultiHot(IReadOnlyList<long[]> answers, long columns, Device? device = null)
    {
        int total = answers.Sum(a => a.Length);
        var rows = new long[total];
        var cols = new long[total];
        int k = 0;
        for (int i = 0; i < answers.Count; i++)
            foreach (var e in answers[i]) { rows[k] = i; cols[k] = e; k++; }
        var targets = torch.Zeros([answers.Count, columns], device: device);
        if (total == 0) return targets;
        using var r = Tensor.From(rows, total);
        using var c = Tensor.From(cols, total);
        using var ones = torch.Ones([total]);
        var rd = device is { } d ? r.To(d) : r;
        var cd = device is { } d2 ? c.To(d2) : c;
        var od = device is { } d3 ? ones.To(d3) : ones;
        targets.IndexPut_([rd, cd], od);
        return targets;
    }
}
