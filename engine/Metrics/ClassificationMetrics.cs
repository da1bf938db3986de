namespace NativeCnn.Engine.Metrics;

/// <summary>Precision, recall, F1 and support of one class.</summary>
/// <param name="ClassIndex">Index of the class, 0 to ClassCount - 1.</param>
/// <param name="Name">Display name of the class.</param>
/// <param name="Precision">TP / (TP + FP); 0 when the class was never predicted (scikit-learn zero_division=0).</param>
/// <param name="Recall">TP / (TP + FN); 0 when the class has no support (zero_division=0).</param>
/// <param name="F1">2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall; 0 when that denominator is 0.</param>
/// <param name="Support">Number of samples whose true label is this class (TP + FN).</param>
/// <param name="Predicted">Number of samples predicted as this class (TP + FP).</param>
public sealed record ClassMetrics(int ClassIndex, string Name, double Precision, double Recall, double F1, long Support, long Predicted);

/// <summary>
/// Classification quality from true and predicted integer labels: confusion matrix, accuracy,
/// balanced accuracy, per-class precision/recall/F1/support and their macro averages.
/// </summary>
/// <remarks>
/// Undefined ratios follow scikit-learn with <c>zero_division=0</c>, so the numbers match
/// <c>sklearn.metrics.classification_report(y_true, y_pred, zero_division=0)</c>:
/// <list type="bullet">
/// <item>precision of a class never predicted is 0; recall of a class with no support is 0;
/// F1 is 0 when both precision and recall are 0 or undefined;</item>
/// <item>macro averages are taken over the classes that occur in the true OR the predicted
/// labels, which is scikit-learn's default label set when <c>labels=</c> is not passed. A class
/// absent from both has no defined F1 and is left out, so it neither lowers nor raises the
/// average. A class that was predicted but has no support is included (its F1 is 0);</item>
/// <item>balanced accuracy is the mean recall over classes with support, as
/// <c>sklearn.metrics.balanced_accuracy_score</c>.</item>
/// </list>
/// </remarks>
public sealed class ClassificationMetrics
{
    private readonly long[,] _confusion;

    private ClassificationMetrics(long[,] confusion, IReadOnlyList<string> classNames)
    {
        _confusion = confusion;
        ClassCount = classNames.Count;
        ClassNames = classNames;

        var perClass = new ClassMetrics[ClassCount];
        long correct = 0, total = 0;
        for (int c = 0; c < ClassCount; c++)
        {
            long truePositives = confusion[c, c];
            long support = 0, predicted = 0;
            for (int k = 0; k < ClassCount; k++)
            {
                support += confusion[c, k];
                predicted += confusion[k, c];
            }

            long falsePositives = predicted - truePositives;
            long falseNegatives = support - truePositives;
            perClass[c] = new ClassMetrics(
                c,
                classNames[c],
                Precision: Ratio(truePositives, predicted),
                Recall: Ratio(truePositives, support),
                F1: Ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives),
                support,
                predicted);
            correct += truePositives;
            total += support;
        }

        PerClass = perClass;
        SampleCount = total;
        Accuracy = Ratio(correct, total);

        ClassMetrics[] present = perClass.Where(m => m.Support > 0 || m.Predicted > 0).ToArray();
        MacroPrecision = present.Average(m => m.Precision);
        MacroRecall = present.Average(m => m.Recall);
        MacroF1 = present.Average(m => m.F1);
        BalancedAccuracy = perClass.Where(m => m.Support > 0).Average(m => m.Recall);
    }

    /// <summary>Number of classes, K.</summary>
    public int ClassCount { get; }

    /// <summary>Class names, K entries, index = label; "0", "1", ... when none were given.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of samples evaluated.</summary>
    public long SampleCount { get; }

    /// <summary>Fraction of samples whose predicted label equals the true label, in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>Mean recall over the classes that have support (at least one true sample), in [0, 1].</summary>
    public double BalancedAccuracy { get; }

    /// <summary>Per-class metrics, K entries in class order.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; }

    /// <summary>Unweighted mean precision over classes present in the true or predicted labels (see remarks).</summary>
    public double MacroPrecision { get; }

    /// <summary>Unweighted mean recall over classes present in the true or predicted labels (see remarks).</summary>
    public double MacroRecall { get; }

    /// <summary>Unweighted mean F1 over classes present in the true or predicted labels (see remarks).</summary>
    public double MacroF1 { get; }

    /// <summary>Number of samples with true label <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    /// <param name="trueClass">True label, 0 to K - 1 (the matrix row).</param>
    /// <param name="predictedClass">Predicted label, 0 to K - 1 (the matrix column).</param>
    /// <returns>The count in cell [trueClass, predictedClass].</returns>
    /// <exception cref="IndexOutOfRangeException">A label is outside 0 to K - 1.</exception>
    public long Confusion(int trueClass, int predictedClass) => _confusion[trueClass, predictedClass];

    /// <summary>A copy of the K x K confusion matrix, indexed [true label, predicted label].</summary>
    /// <returns>A new array the caller may modify.</returns>
    public long[,] GetConfusionMatrix() => (long[,])_confusion.Clone();

    /// <summary>Computes the metrics of <paramref name="predictedLabels"/> against <paramref name="trueLabels"/>.</summary>
    /// <param name="trueLabels">True label of each sample, each in 0 to <paramref name="classCount"/> - 1.</param>
    /// <param name="predictedLabels">Predicted label of each sample, same length and range.</param>
    /// <param name="classCount">Number of classes K, at least 1.</param>
    /// <param name="classNames">Optional K display names; defaults to "0", "1", ....</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1, or a label is outside 0 to K - 1.</exception>
    /// <exception cref="ArgumentException">The label arrays differ in length or are empty, or <paramref name="classNames"/> does not have K entries.</exception>
    public static ClassificationMetrics Compute(
        ReadOnlySpan<int> trueLabels,
        ReadOnlySpan<int> predictedLabels,
        int classCount,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (trueLabels.Length != predictedLabels.Length)
            throw new ArgumentException(
                $"{trueLabels.Length} true labels but {predictedLabels.Length} predicted labels.", nameof(predictedLabels));
        // With no samples every metric is 0/0; refusing is clearer than reporting NaN.
        if (trueLabels.IsEmpty)
            throw new ArgumentException("No samples: metrics are undefined.", nameof(trueLabels));
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes.", nameof(classNames));

        var confusion = new long[classCount, classCount];
        for (int i = 0; i < trueLabels.Length; i++)
        {
            int t = trueLabels[i], p = predictedLabels[i];
            if ((uint)t >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(trueLabels), t, $"True label at {i} is outside 0..{classCount - 1}.");
            if ((uint)p >= (uint)classCount)
                throw new ArgumentOutOfRangeException(nameof(predictedLabels), p, $"Predicted label at {i} is outside 0..{classCount - 1}.");
            confusion[t, p]++;
        }

        IReadOnlyList<string> names = classNames?.ToArray()
            ?? Enumerable.Range(0, classCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new ClassificationMetrics(confusion, names);
    }

    /// <summary>numerator / denominator, or 0 when the denominator is 0 (scikit-learn zero_division=0).</summary>
    private static double Ratio(long numerator, long denominator) =>
        denominator == 0 ? 0.0 : (double)numerator / denominator;
}
