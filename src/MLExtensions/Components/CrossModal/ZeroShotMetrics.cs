namespace MLExtensions.Components.CrossModal;

/// <summary>One class's share of a zero-shot evaluation: its images, how many of them were right, how often it was predicted.</summary>
public sealed record ZeroShotClassResult(string Label, int Images, int Correct, int Predicted)
{
    /// <summary>Correct / Images (0 for a class without images).</summary>
    public double Recall => Images == 0 ? 0 : Correct / (double)Images;
}

/// <summary>
/// Accuracy of zero-shot predictions and the baselines to read it against. Balanced accuracy is the mean recall over the
/// classes that have images: on imbalanced data it is the figure that always answering the largest class cannot inflate
/// (that gives 1 / classes with images, where its plain accuracy is the largest class's share).
/// </summary>
public sealed class ZeroShotMetrics
{
    private ZeroShotMetrics(int images, int classes, IReadOnlyList<ZeroShotClassResult> perClass)
    {
        Images = images;
        Classes = classes;
        PerClass = perClass;
    }

    /// <summary>The number of images evaluated.</summary>
    public int Images { get; }

    /// <summary>The number of candidate classes.</summary>
    public int Classes { get; }

    /// <summary>Every candidate class, in the classifier's order.</summary>
    public IReadOnlyList<ZeroShotClassResult> PerClass { get; }

    /// <summary>The number of classes that have images.</summary>
    public int ClassesWithImages => PerClass.Count(c => c.Images > 0);

    /// <summary>Share of images whose predicted class is the true one.</summary>
    public double Accuracy => PerClass.Sum(c => c.Correct) / (double)Images;

    /// <summary>Mean recall over the classes that have images.</summary>
    public double BalancedAccuracy => PerClass.Where(c => c.Images > 0).Average(c => c.Recall);

    /// <summary>Expected accuracy (and balanced accuracy) of answering a uniformly random class: 1 / classes.</summary>
    public double ChanceAccuracy => 1.0 / Classes;

    /// <summary>Accuracy of always answering the class with the most images.</summary>
    public double MajorityAccuracy => PerClass.Max(c => c.Images) / (double)Images;

    /// <summary>Balanced accuracy of always answering the class with the most images: 1 / classes with images.</summary>
    public double MajorityBalancedAccuracy => 1.0 / ClassesWithImages;

    /// <summary>Scores predicted labels against true labels; every label must be one of <paramref name="classes"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, nothing to score, or a label is not a class (the message names the row and the label).</exception>
    public static ZeroShotMetrics Evaluate(IReadOnlyList<string> classes, IReadOnlyList<string> trueLabels, IReadOnlyList<string> predictedLabels)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(trueLabels);
        ArgumentNullException.ThrowIfNull(predictedLabels);
        if (trueLabels.Count != predictedLabels.Count)
            throw new ArgumentException($"{trueLabels.Count} true labels but {predictedLabels.Count} predictions");
        if (trueLabels.Count == 0) throw new ArgumentException("no predictions to score");
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in classes)
            if (!index.TryAdd(c, index.Count)) throw new ArgumentException($"class '{c}' is given twice");
        int[] images = new int[classes.Count], correct = new int[classes.Count], predicted = new int[classes.Count];
        for (int i = 0; i < trueLabels.Count; i++)
        {
            if (!index.TryGetValue(trueLabels[i], out int t))
                throw new ArgumentException($"row {i}: the true label '{trueLabels[i]}' is not one of the {classes.Count} classes");
            if (!index.TryGetValue(predictedLabels[i], out int p))
                throw new ArgumentException($"row {i}: the predicted label '{predictedLabels[i]}' is not one of the {classes.Count} classes");
            images[t]++;
            predicted[p]++;
            if (t == p) correct[t]++;
        }
        var perClass = classes.Select((c, k) => new ZeroShotClassResult(c, images[k], correct[k], predicted[k])).ToArray();
        return new ZeroShotMetrics(trueLabels.Count, classes.Count, perClass);
    }
}
