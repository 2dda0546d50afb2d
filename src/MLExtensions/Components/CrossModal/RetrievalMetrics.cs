using System.Text.Json.Serialization;
using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>Recall at 1, 5 and 10 and the median rank of the first correct candidate (1 = best), for one direction.</summary>
public sealed record RecallAtK(
    [property: JsonPropertyName("r1")] double R1,
    [property: JsonPropertyName("r5")] double R5,
    [property: JsonPropertyName("r10")] double R10,
    [property: JsonPropertyName("median_rank")] double MedianRank,
    [property: JsonPropertyName("queries")] int Queries,
    [property: JsonPropertyName("candidates")] int Candidates);

/// <summary>Retrieval quality both ways.</summary>
public sealed record RetrievalMetrics(
    [property: JsonPropertyName("image_to_text")] RecallAtK ImageToText,
    [property: JsonPropertyName("text_to_image")] RecallAtK TextToImage)
{
    /// <summary>The mean of the six recalls: the validation metric of training.</summary>
    [JsonIgnore]
    public double MeanRecall => (ImageToText.R1 + ImageToText.R5 + ImageToText.R10 + TextToImage.R1 + TextToImage.R5 + TextToImage.R10) / 6;

    /// <summary>
    /// Evaluates pairs: the queries are the distinct images (resp. captions) and the candidates all distinct captions
    /// (resp. images) of the pairs; a candidate is correct when it is paired with the query. With
    /// <paramref name="rerankTop"/> &gt; 0 and a fusion head, each query's top candidates by embedding are re-ordered by the
    /// matching head (the rest keep their order below them).
    /// </summary>
    public static RetrievalMetrics Evaluate(CrossModalEncoderModel model, IReadOnlyList<string> imagePaths, IReadOnlyList<string> captions, int rerankTop = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (imagePaths.Count != captions.Count) throw new ArgumentException($"{imagePaths.Count} images but {captions.Count} captions");
        var images = imagePaths.Distinct(StringComparer.Ordinal).ToArray();
        var texts = captions.Distinct(StringComparer.Ordinal).ToArray();
        using var scope = torch.NewDisposeScope();
        var imageEmb = model.EmbedImages(images);
        var textEmb = model.EmbedTexts(texts);
        if (rerankTop <= 0) return FromEmbeddings(imageEmb, textEmb, images, texts, imagePaths, captions);
        if (!model.HasFusion) throw new InvalidOperationException("re-ranking needs a model trained with the fusion head");
        float[] sims;
        using (torch.NoGrad()) sims = imageEmb.Mm(textEmb.T()).Cpu().ToArray<float>();
        var i2t = Rerank(model, sims, images, texts, rerankTop, transpose: false);
        var t2i = Rerank(model, sims, images, texts, rerankTop, transpose: true);
        var relevant = Relevance(images, texts, imagePaths, captions);
        return new RetrievalMetrics(Ranks(i2t, relevant, images.Length, texts.Length, false), Ranks(t2i, relevant, images.Length, texts.Length, true));
    }

    // A copy of the similarity matrix where each query's top-k candidates score 2 + match probability (above every
    // cosine, ordered by the head).
    private static float[] Rerank(CrossModalEncoderModel model, float[] sims, string[] images, string[] texts, int k, bool transpose)
    {
        int rows = images.Length, cols = texts.Length;
        int queries = transpose ? cols : rows, candidates = transpose ? rows : cols;
        int kk = Math.Min(k, candidates);
        var adjusted = (float[])sims.Clone();
        var cells = new List<int>();
        var pairImages = new List<string>();
        var pairTexts = new List<string>();
        for (int q = 0; q < queries; q++)
        {
            var top = Enumerable.Range(0, candidates).OrderByDescending(c => sims[transpose ? c * cols + q : q * cols + c]).Take(kk);
            foreach (var c in top)
            {
                int at = transpose ? c * cols + q : q * cols + c;
                cells.Add(at);
                pairImages.Add(images[at / cols]);
                pairTexts.Add(texts[at % cols]);
            }
        }
        using var p = model.MatchProbabilities(pairImages, pairTexts);
        var probabilities = p.ToArray<float>();
        for (int i = 0; i < cells.Count; i++) adjusted[cells[i]] = 2 + probabilities[i];
        return adjusted;
    }

    private static bool[] Relevance(IReadOnlyList<string> images, IReadOnlyList<string> texts, IReadOnlyList<string> pairImages, IReadOnlyList<string> pairTexts)
    {
        var imageIndex = images.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var textIndex = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var relevant = new bool[images.Count * texts.Count];
        for (int i = 0; i < pairImages.Count; i++) relevant[imageIndex[pairImages[i]] * texts.Count + textIndex[pairTexts[i]]] = true;
        return relevant;
    }

    /// <summary>Metrics from embeddings of the distinct images and texts and the pairs that link them.</summary>
    public static RetrievalMetrics FromEmbeddings(Tensor imageEmb, Tensor textEmb, IReadOnlyList<string> images, IReadOnlyList<string> texts,
        IReadOnlyList<string> pairImages, IReadOnlyList<string> pairTexts)
    {
        var relevant = Relevance(images, texts, pairImages, pairTexts);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.NoGrad();
        var sims = imageEmb.Mm(textEmb.T()).Cpu().ToArray<float>();
        return new RetrievalMetrics(
            Ranks(sims, relevant, images.Count, texts.Count, transpose: false),
            Ranks(sims, relevant, images.Count, texts.Count, transpose: true));
    }

    // Rank of the best-scored correct candidate = 1 + candidates scored strictly higher.
    private static RecallAtK Ranks(float[] sims, bool[] relevant, int rows, int cols, bool transpose)
    {
        int queries = transpose ? cols : rows, candidates = transpose ? rows : cols;
        var ranks = new List<int>(queries);
        for (int q = 0; q < queries; q++)
        {
            float best = float.NegativeInfinity;
            bool any = false;
            for (int c = 0; c < candidates; c++)
            {
                int at = transpose ? c * cols + q : q * cols + c;
                if (relevant[at] && sims[at] > best) { best = sims[at]; any = true; }
            }
            if (!any) continue;
            int higher = 0;
            for (int c = 0; c < candidates; c++)
            {
                int at = transpose ? c * cols + q : q * cols + c;
                if (sims[at] > best) higher++;
            }
            ranks.Add(higher + 1);
        }
        if (ranks.Count == 0) return new RecallAtK(0, 0, 0, double.NaN, 0, candidates);
        ranks.Sort();
        double At(int k) => ranks.Count(r => r <= k) / (double)ranks.Count;
        double median = ranks.Count % 2 == 1 ? ranks[ranks.Count / 2] : (ranks[ranks.Count / 2 - 1] + ranks[ranks.Count / 2]) / 2.0;
        return new RecallAtK(At(1), At(5), At(10), median, ranks.Count, candidates);
    }
}
