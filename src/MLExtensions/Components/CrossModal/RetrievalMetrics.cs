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
    /// <paramref name="rerankTop"/> &gt; 0 and a fusion head, each query's top candidates by embedding are re-ordered by
    /// scale · cosine + weight · match logit (weight: <paramref name="matchWeight"/>, by default the model's
    /// <see cref="CrossModalEncoderModel.RerankMatchWeight"/>); the rest keep their order below them. Images are decoded
    /// once: the head reads the tokens of the embedding pass.
    /// </summary>
    public static RetrievalMetrics Evaluate(CrossModalEncoderModel model, IReadOnlyList<string> imagePaths, IReadOnlyList<string> captions,
        int rerankTop = 0, double? matchWeight = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (imagePaths.Count != captions.Count) throw new ArgumentException($"{imagePaths.Count} images but {captions.Count} captions");
        if (rerankTop > 0 && !model.HasFusion) throw new InvalidOperationException("re-ranking needs a model trained with the fusion head");
        var images = imagePaths.Distinct(StringComparer.Ordinal).ToArray();
        var texts = captions.Distinct(StringComparer.Ordinal).ToArray();
        using var scope = torch.NewDisposeScope();
        if (rerankTop <= 0) return FromEmbeddings(model.EmbedImages(images), model.EmbedTexts(texts), images, texts, imagePaths, captions);
        var imageEmb = model.EmbedImages(images, out var imageFeatures);
        var textEmb = model.EmbedTexts(texts, out var textFeatures);
        using (imageFeatures)
        using (textFeatures)
        {
            float[] sims;
            using (torch.NoGrad()) sims = imageEmb.Mm(textEmb.T()).Cpu().ToArray<float>();
            var reranked = new RerankedRetrieval(sims, images.Length, texts.Length, rerankTop);
            var logits = model.Network.MatchLogits(imageFeatures!, textFeatures!, reranked.ImageRows, reranked.TextRows, model.BatchSize, model.Device);
            return reranked.Metrics(Relevance(images, texts, imagePaths, captions), logits, 1.0 / model.Temperature, matchWeight ?? model.RerankMatchWeight);
        }
    }

    internal static bool[] Relevance(IReadOnlyList<string> images, IReadOnlyList<string> texts, IReadOnlyList<string> pairImages, IReadOnlyList<string> pairTexts)
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
    internal static RecallAtK Ranks(float[] sims, bool[] relevant, int rows, int cols, bool transpose)
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
