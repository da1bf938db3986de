namespace NativeCnn.Training;

/// <summary>The JSON shape of an evaluation (nativecnn evaluate --json, and report.json's private_test).</summary>
/// <param name="Split">Which split was evaluated.</param>
/// <param name="Checkpoint">Checkpoint file.</param>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Loss">Mean cross-entropy, nats.</param>
/// <param name="Accuracy">Fraction correct.</param>
/// <param name="BalancedAccuracy">Mean per-class recall.</param>
/// <param name="MacroF1">Mean per-class F1.</param>
/// <param name="PerClass">Precision, recall, F1 and support per class.</param>
/// <param name="ConfusionMatrix">[true class][predicted class] counts.</param>
public sealed record EvaluationReport(string Split, string Checkpoint, long Count, double Loss, double Accuracy, double BalancedAccuracy,
    double MacroF1, IReadOnlyList<ClassReport> PerClass, long[][] ConfusionMatrix)
{
    /// <summary>Builds the report from an evaluation.</summary>
    public static EvaluationReport From(EvaluationResult r, string split, string checkpoint)
    {
        var m = r.Metrics;
        var confusion = m.GetConfusionMatrix();
        return new EvaluationReport(split, checkpoint, m.SampleCount, r.MeanLoss, m.Accuracy, m.BalancedAccuracy, m.MacroF1,
            m.PerClass.Select(c => new ClassReport(c.Name, c.Precision, c.Recall, c.F1, c.Support)).ToList(),
            Enumerable.Range(0, m.ClassCount).Select(i => Enumerable.Range(0, m.ClassCount).Select(j => confusion[i, j]).ToArray()).ToArray());
    }
}

/// <summary>One class's scores.</summary>
/// <param name="Class">Class name.</param>
/// <param name="Precision">TP / (TP + FP).</param>
/// <param name="Recall">TP / (TP + FN).</param>
/// <param name="F1">Harmonic mean of precision and recall.</param>
/// <param name="Support">True samples of the class.</param>
public sealed record ClassReport(string Class, double Precision, double Recall, double F1, long Support);
