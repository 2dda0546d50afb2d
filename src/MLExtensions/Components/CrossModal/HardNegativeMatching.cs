using MLExtensions.Torch;
using MLExtensions.Torch.NN;

namespace MLExtensions.Components.CrossModal;

/// <summary>
/// The image-text matching objective of the fusion head: each pair of the batch is a positive; for each image a hard
/// negative caption and for each caption a hard negative image are drawn from the batch with probability proportional
/// to exp(scale · cosine) (the contrastive scores, so similar-looking mismatches come up most), never the pair's own
/// partner nor an identical caption. Binary cross-entropy over the B positives and 2B negatives.
/// </summary>
internal static class HardNegativeMatching
{
    public static Tensor Loss(CrossModalNetwork network, Tensor ids, Tensor textTokens, Tensor imageTokens,
        Tensor imageEmb, Tensor textEmb, IReadOnlyList<string> captions, Random random)
    {
        int b = captions.Count;
        float[] sims;
        double scale;
        using (torch.NoGrad())
        {
            using var i = imageEmb.Detach();
            using var t = textEmb.Detach();
            using var tt = t.T();
            using var s = i.Mm(tt);
            sims = s.Cpu().ToArray<float>();
            using var sc = ContrastiveLoss.Scale(network.LogitScale);
            scale = sc.Item<float>();
        }
        var negText = new long[b];
        var negImage = new long[b];
        for (int q = 0; q < b; q++)
        {
            negText[q] = Sample(b, c => captions[c] == captions[q] ? double.NaN : sims[q * b + c], scale, random, q);
            negImage[q] = Sample(b, c => captions[c] == captions[q] ? double.NaN : sims[c * b + q], scale, random, q);
        }
        using var negTextIndex = Tensor.From(negText, b).To(ids.Device);
        using var negImageIndex = Tensor.From(negImage, b).To(ids.Device);
        using var idsNeg = ids.IndexSelect(0, negTextIndex);
        using var textNeg = textTokens.IndexSelect(0, negTextIndex);
        using var imageNeg = imageTokens.IndexSelect(0, negImageIndex);
        using var allIds = torch.Cat([ids, idsNeg, ids]);
        using var allText = torch.Cat([textTokens, textNeg, textTokens]);
        using var allImages = torch.Cat([imageTokens, imageTokens, imageNeg]);
        using var logits = network.MatchLogits(allIds, allText, allImages);
        var labels = new float[3 * b];
        for (int k = 0; k < b; k++) labels[k] = 1;
        using var target = Tensor.From(labels, 3 * b).To(logits.Device);
        return Functional.BinaryCrossEntropyWithLogits(logits, target);
    }

    // Draws an index ≠ self with weight exp(scale · (s − max)); NaN scores (false negatives) are never drawn.
    // When no candidate is left, any other index is taken.
    private static long Sample(int n, Func<int, double> score, double scale, Random random, int self)
    {
        var w = new double[n];
        double max = double.NegativeInfinity;
        for (int c = 0; c < n; c++) if (c != self && !double.IsNaN(score(c))) max = Math.Max(max, score(c));
        double total = 0;
        for (int c = 0; c < n; c++)
        {
            double s = c == self ? double.NaN : score(c);
            w[c] = double.IsNaN(s) ? 0 : Math.Exp(scale * (s - max));
            total += w[c];
        }
        if (total <= 0) return (self + 1 + random.Next(n - 1)) % n;
        double u = random.NextDouble() * total;
        for (int c = 0; c < n; c++)
        {
            u -= w[c];
            if (u <= 0 && w[c] > 0) return c;
        }
        for (int c = n - 1; c >= 0; c--) if (w[c] > 0) return c;
        return (self + 1) % n;
    }
}
