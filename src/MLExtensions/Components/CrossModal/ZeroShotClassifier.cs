using MLExtensions.Torch;

namespace MLExtensions.Components.CrossModal;

/// <summary>One zero-shot prediction: the best class and the softmax over classes of the scaled cosines.</summary>
public sealed record ZeroShotPrediction(int ClassIndex, string Label, float[] Probabilities);

/// <summary>
/// A classifier made from class names alone: each name is put through prompt templates, the template embeddings of a
/// class are averaged and re-normalised, and an image is assigned to the class of largest cosine similarity.
/// </summary>
public sealed class ZeroShotClassifier : IDisposable
{
    /// <summary>The templates used when none are given ("{0}" is the class name).</summary>
    public static readonly IReadOnlyList<string> DefaultTemplates = ["{0}", "a picture of {0}", "an icon of {0}", "a {0} emoji"];

    private readonly CrossModalEncoderModel _model;
    private readonly Tensor _classifier; // [C, dim]
    private readonly double _scale;

    private ZeroShotClassifier(CrossModalEncoderModel model, IReadOnlyList<string> labels, Tensor classifier, double scale)
    {
        _model = model;
        Labels = labels;
        _classifier = classifier;
        _scale = scale;
    }

    /// <summary>The class names, by index.</summary>
    public IReadOnlyList<string> Labels { get; }

    internal static ZeroShotClassifier Create(CrossModalEncoderModel model, IReadOnlyList<string> classNames, IReadOnlyList<string> templates, bool nameParts = false)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(templates);
        if (classNames.Count == 0) throw new ArgumentException("a zero-shot classifier needs at least one class name");
        if (templates.Count == 0) throw new ArgumentException("a zero-shot classifier needs at least one prompt template");
        foreach (var t in templates)
            if (!t.Contains("{0}", StringComparison.Ordinal)) throw new ArgumentException($"prompt template '{t}' has no '{{0}}' for the class name");
        var names = classNames.Select(c => nameParts ? NameVariants(c) : [c]).ToArray();
        var prompts = names.SelectMany(v => v.SelectMany(n => templates.Select(t => t.Replace("{0}", n, StringComparison.Ordinal)))).ToArray();
        using var scope = torch.NewDisposeScope();
        var e = model.EmbedTexts(prompts);
        var means = new Tensor[names.Length];
        long at = 0;
        for (int c = 0; c < names.Length; c++)
        {
            long count = names[c].Count * templates.Count;
            means[c] = e.Narrow(0, at, count).Mean(0);
            at += count;
        }
        var classifier = Torch.NN.Functional.Normalize(torch.Stack(means), dim: 1).DetachFromDisposeScope();
        return new ZeroShotClassifier(model, classNames.ToArray(), classifier, 1.0 / model.Temperature);
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

    /// <summary>Cosine scores [N, C] of image embeddings [N, dim] against the classes.</summary>
    public Tensor Scores(Tensor imageEmbeddings) => imageEmbeddings.To(ScalarType.Float32).Mm(_classifier.T());

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
    public void Dispose() => _classifier.Dispose();
}
