using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>One zero-shot prediction: the best class and the softmax over classes of the scaled class scores.</summary>
public sealed record ZeroShotPrediction(int ClassIndex, string Label, float[] Probabilities);

/// <summary>
/// A classifier made from class descriptions alone. Each description of a class (by default its name) is put through
/// the templates ("{0}" stands for the description); the normalised text embeddings of one description are averaged and
/// re-normalised into a description vector. A class's score for an image combines the cosines with its description
/// vectors as <see cref="Aggregation"/> says; the image is assigned to the class of largest score.
/// </summary>
public sealed class ZeroShotClassifier : IDisposable
{
    /// <summary>The templates used when none are given ("{0}" is the class name).</summary>
    public static readonly IReadOnlyList<string> DefaultTemplates = ["{0}", "a picture of {0}", "an icon of {0}", "a {0} emoji"];

    private readonly CrossModalEncoderModel _model;
    private readonly Tensor _vectors; // Mean: [C, dim] class vectors; Max/Sum: [D, dim] description vectors, class by class
    private readonly int[] _start, _count; // each class's rows of _vectors (Max/Sum)
    private readonly double _scale;

    private ZeroShotClassifier(CrossModalEncoderModel model, IReadOnlyList<string> labels, Tensor vectors, int[] start, int[] count,
        ZeroShotAggregation aggregation, double scale, IReadOnlyList<string> texts)
    {
        _model = model;
        Labels = labels;
        _vectors = vectors;
        _start = start;
        _count = count;
        Aggregation = aggregation;
        _scale = scale;
        Texts = texts;
    }

    /// <summary>The class labels, by index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How the descriptions of a class combine into its score.</summary>
    public ZeroShotAggregation Aggregation { get; }

    /// <summary>Every text that was embedded (descriptions and their name parts through the templates), class by class.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The number of descriptions of each class, by class index.</summary>
    public IReadOnlyList<int> DescriptionCounts => _count;

    internal static ZeroShotClassifier Create(CrossModalEncoderModel model, IReadOnlyList<ZeroShotClass> classes, IReadOnlyList<string> templates,
        bool nameParts, ZeroShotAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(templates);
        if (classes.Count == 0) throw new ArgumentException("a zero-shot classifier needs at least one class");
        if (templates.Count == 0) throw new ArgumentException("a zero-shot classifier needs at least one prompt template");
        foreach (var t in templates)
            if (t is null || !t.Contains("{0}", StringComparison.Ordinal)) throw new ArgumentException($"prompt template '{t}' has no '{{0}}' for the class description");
        if (!Enum.IsDefined(aggregation)) throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Count; c++)
        {
            var k = classes[c] ?? throw new ArgumentException($"class {c} is null");
            if (string.IsNullOrWhiteSpace(k.Label)) throw new ArgumentException($"class {c} has an empty label");
            if (!seen.Add(k.Label)) throw new ArgumentException($"class '{k.Label}' is given twice");
            if (k.Descriptions is null || k.Descriptions.Count == 0) throw new ArgumentException($"class '{k.Label}' has no description: give it at least one text (e.g. its name)");
            for (int j = 0; j < k.Descriptions.Count; j++)
                if (string.IsNullOrWhiteSpace(k.Descriptions[j])) throw new ArgumentException($"class '{k.Label}': description {j} is empty");
        }

        // Texts: class by class, description by description, each description's name variants x templates.
        var perDescription = classes.SelectMany(k => k.Descriptions.Select(d =>
            (nameParts ? NameVariants(d) : [d]).SelectMany(n => templates.Select(t => t.Replace("{0}", n, StringComparison.Ordinal))).ToArray())).ToArray();
        var texts = perDescription.SelectMany(x => x).ToArray();
        int[] start = new int[classes.Count], count = new int[classes.Count];
        for (int c = 0, at = 0; c < classes.Count; c++)
        {
            start[c] = at;
            count[c] = classes[c].Descriptions.Count;
            at += count[c];
        }

        using var scope = torch.NewDisposeScope();
        var e = model.EmbedTexts(texts);
        var descriptions = new Tensor[perDescription.Length];
        for (int d = 0, row = 0; d < perDescription.Length; d++)
        {
            descriptions[d] = e.Narrow(0, row, perDescription[d].Length).Mean(0);
            row += perDescription[d].Length;
        }
        var vectors = Torch.NN.Functional.Normalize(torch.Stack(descriptions), dim: 1);
        if (aggregation == ZeroShotAggregation.Mean)
        {
            var means = new Tensor[classes.Count];
            for (int c = 0; c < classes.Count; c++) means[c] = vectors.Narrow(0, start[c], count[c]).Mean(0);
            vectors = Torch.NN.Functional.Normalize(torch.Stack(means), dim: 1);
        }
        return new ZeroShotClassifier(model, classes.Select(k => k.Label).ToArray(), vectors.DetachFromDisposeScope(), start, count,
            aggregation, 1.0 / model.Temperature, texts);
    }

    private static readonly string[] NameSeparators = ["&", "-", "/", ",", " and "];

    /// <summary>
    /// A compound class name and its parts: "Animals &amp; Nature" → "Animals Nature", "Animals", "Nature";
    /// "face-smiling" → "face smiling", "face", "smiling". A name without separators is kept as it is.
    /// </summary>
    public static IReadOnlyList<string> NameVariants(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split(NameSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length <= 1) return [name];
        return [string.Join(' ', parts), .. parts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>
    /// Class scores [N, C] of image embeddings [N, dim], in cosine units: the cosine with the class vector (Mean), the
    /// largest cosine over the class's descriptions (Max) or <c>logsumexp(scale · cosines) / scale</c> over them (Sum).
    /// </summary>
    public Tensor Scores(Tensor imageEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        if (Aggregation == ZeroShotAggregation.Mean) return imageEmbeddings.To(ScalarType.Float32).Mm(_vectors.T());
        using var scope = torch.NewDisposeScope();
        var cosines = imageEmbeddings.To(ScalarType.Float32).Mm(_vectors.T());
        var columns = new Tensor[Labels.Count];
        for (int c = 0; c < Labels.Count; c++)
        {
            var block = cosines.Narrow(1, _start[c], _count[c]);
            columns[c] = Aggregation == ZeroShotAggregation.Max ? block.Amax(1, keepDim: true) : (block * _scale).LogSumExp(1, keepDim: true) / _scale;
        }
        return torch.Cat(columns, 1).DetachFromDisposeScope();
    }

    /// <summary>Classifies image files.</summary>
    public ZeroShotPrediction[] Predict(IReadOnlyList<string> imagePaths)
    {
        using var scope = torch.NewDisposeScope();
        return Predict(_model.EmbedImages(imagePaths));
    }

    /// <summary>Classifies image embeddings [N, dim].</summary>
    public ZeroShotPrediction[] Predict(Tensor imageEmbeddings)
    {
        using var scope = torch.NewDisposeScope();
        var probs = (Scores(imageEmbeddings) * _scale).Softmax(1);
        var p = probs.ToArray<float>();
        int c = Labels.Count, n = (int)imageEmbeddings.Size(0);
        var result = new ZeroShotPrediction[n];
        for (int i = 0; i < n; i++)
        {
            var row = p.AsSpan(i * c, c).ToArray();
            int best = 0;
            for (int j = 1; j < c; j++) if (row[j] > row[best]) best = j;
            result[i] = new ZeroShotPrediction(best, Labels[best], row);
        }
        return result;
    }

    /// <summary>Frees the class embeddings.</summary>
    public void Dispose() => _vectors.Dispose();
}
