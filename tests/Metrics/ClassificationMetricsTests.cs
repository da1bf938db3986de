using NativeCnn.Engine.Metrics;
using NUnit.Framework;

namespace NativeCnn.Tests.Metrics;

[TestFixture]
public class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    // Four classes A..D. Class C has support 3 but is never predicted; class D has no support
    // but is predicted once.
    //   true = [0,0,0, 1,1, 2,2,2]
    //   pred = [0,1,0, 1,3, 0,1,1]
    // Confusion [true, pred]:      column sums (predicted): A 3, B 4, C 0, D 1
    //   A: 2 1 0 0   (support 3)
    //   B: 0 1 0 1   (support 2)
    //   C: 1 2 0 0   (support 3)
    //   D: 0 0 0 0   (support 0)
    // Accuracy = (2 + 1) / 8 = 3/8.
    // A: TP 2, FP 1, FN 1 -> P 2/3, R 2/3, F1 = 4 / (4+1+1) = 2/3
    // B: TP 1, FP 3, FN 1 -> P 1/4, R 1/2, F1 = 2 / (2+3+1) = 1/3
    // C: TP 0, FP 0, FN 3 -> P 0 (never predicted: zero_division), R 0, F1 0
    // D: TP 0, FP 1, FN 0 -> P 0/1 = 0, R 0 (no support: zero_division), F1 = 0 / 1 = 0
    // All four classes occur in true or predicted labels, so macro averages divide by 4:
    // macro-P = (2/3 + 1/4) / 4 = 11/48; macro-R = (2/3 + 1/2) / 4 = 7/24; macro-F1 = 1/4.
    // Balanced accuracy averages recall over A, B, C (D has no support): (2/3 + 1/2 + 0) / 3 = 7/18.
    private static readonly int[] TrueLabels = [0, 0, 0, 1, 1, 2, 2, 2];
    private static readonly int[] PredictedLabels = [0, 1, 0, 1, 3, 0, 1, 1];
    private static readonly string[] Names = ["A", "B", "C", "D"];

    private static ClassificationMetrics Example() =>
        ClassificationMetrics.Compute(TrueLabels, PredictedLabels, 4, Names);

    [Test]
    public void ConfusionMatrix_IsIndexedTrueThenPredicted()
    {
        long[,] expected =
        {
            { 2, 1, 0, 0 },
            { 0, 1, 0, 1 },
            { 1, 2, 0, 0 },
            { 0, 0, 0, 0 },
        };
        ClassificationMetrics m = Example();

        Assert.That(m.GetConfusionMatrix(), Is.EqualTo(expected));
        Assert.That(m.Confusion(2, 1), Is.EqualTo(2));
        Assert.That(m.Confusion(1, 3), Is.EqualTo(1));
    }

    [Test]
    public void GetConfusionMatrix_ReturnsACopy()
    {
        ClassificationMetrics m = Example();
        m.GetConfusionMatrix()[0, 0] = 99;

        Assert.That(m.Confusion(0, 0), Is.EqualTo(2));
    }

    [Test]
    public void Accuracy_AndBalancedAccuracy_MatchHandComputation()
    {
        ClassificationMetrics m = Example();

        Assert.That(m.SampleCount, Is.EqualTo(8));
        Assert.That(m.Accuracy, Is.EqualTo(3.0 / 8).Within(Tolerance));
        Assert.That(m.BalancedAccuracy, Is.EqualTo(7.0 / 18).Within(Tolerance));
    }

    [Test]
    public void PerClass_MatchesHandComputation_WithZeroDivisionAsZero()
    {
        IReadOnlyList<ClassMetrics> c = Example().PerClass;

        Assert.That(c, Has.Count.EqualTo(4));
        AssertClass(c[0], "A", precision: 2.0 / 3, recall: 2.0 / 3, f1: 2.0 / 3, support: 3, predicted: 3);
        AssertClass(c[1], "B", precision: 1.0 / 4, recall: 1.0 / 2, f1: 1.0 / 3, support: 2, predicted: 4);
        AssertClass(c[2], "C", precision: 0, recall: 0, f1: 0, support: 3, predicted: 0);
        AssertClass(c[3], "D", precision: 0, recall: 0, f1: 0, support: 0, predicted: 1);
    }

    [Test]
    public void MacroAverages_IncludeClassPredictedWithoutSupport()
    {
        ClassificationMetrics m = Example();

        Assert.That(m.MacroPrecision, Is.EqualTo(11.0 / 48).Within(Tolerance));
        Assert.That(m.MacroRecall, Is.EqualTo(7.0 / 24).Within(Tolerance));
        Assert.That(m.MacroF1, Is.EqualTo(1.0 / 4).Within(Tolerance));
    }

    [Test]
    public void MacroAverages_LeaveOutClassAbsentFromBothLabelSets()
    {
        // Three classes; class 2 is neither true nor predicted anywhere.
        //   true = [0, 1, 1], pred = [0, 1, 0]
        // class 0: TP 1, FP 1, FN 0 -> P 1/2, R 1,   F1 = 2 / (2+1+0) = 2/3
        // class 1: TP 1, FP 0, FN 1 -> P 1,   R 1/2, F1 = 2/3
        // Macro-F1 over {0, 1} = 2/3 (it would be 4/9 if class 2 counted as 0, as sklearn's
        // default label set does not). Balanced accuracy = (1 + 1/2) / 2 = 3/4. Accuracy = 2/3.
        ClassificationMetrics m = ClassificationMetrics.Compute([0, 1, 1], [0, 1, 0], 3);

        Assert.That(m.MacroF1, Is.EqualTo(2.0 / 3).Within(Tolerance));
        Assert.That(m.MacroPrecision, Is.EqualTo(3.0 / 4).Within(Tolerance));
        Assert.That(m.MacroRecall, Is.EqualTo(3.0 / 4).Within(Tolerance));
        Assert.That(m.BalancedAccuracy, Is.EqualTo(3.0 / 4).Within(Tolerance));
        Assert.That(m.Accuracy, Is.EqualTo(2.0 / 3).Within(Tolerance));
        Assert.That(m.PerClass[2].F1, Is.EqualTo(0));
        Assert.That(m.ClassNames, Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test]
    public void PerfectPredictions_ScoreOne()
    {
        ClassificationMetrics m = ClassificationMetrics.Compute([2, 0, 1, 1], [2, 0, 1, 1], 3);

        Assert.That(m.Accuracy, Is.EqualTo(1.0));
        Assert.That(m.BalancedAccuracy, Is.EqualTo(1.0));
        Assert.That(m.MacroF1, Is.EqualTo(1.0));
    }

    [Test]
    public void InvalidInput_Throws()
    {
        Assert.That(() => ClassificationMetrics.Compute([0, 1], [0], 2), Throws.ArgumentException);
        Assert.That(() => ClassificationMetrics.Compute([], [], 2), Throws.ArgumentException);
        Assert.That(() => ClassificationMetrics.Compute([0], [0], 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => ClassificationMetrics.Compute([0, 2], [0, 1], 2), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => ClassificationMetrics.Compute([0, 1], [0, -1], 2), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => ClassificationMetrics.Compute([0, 1], [0, 1], 2, ["only one"]), Throws.ArgumentException);
    }

    private static void AssertClass(ClassMetrics m, string name, double precision, double recall, double f1, long support, long predicted)
    {
        Assert.Multiple(() =>
        {
            Assert.That(m.Name, Is.EqualTo(name));
            Assert.That(m.Precision, Is.EqualTo(precision).Within(Tolerance), $"{name} precision");
            Assert.That(m.Recall, Is.EqualTo(recall).Within(Tolerance), $"{name} recall");
            Assert.That(m.F1, Is.EqualTo(f1).Within(Tolerance), $"{name} F1");
            Assert.That(m.Support, Is.EqualTo(support), $"{name} support");
            Assert.That(m.Predicted, Is.EqualTo(predicted), $"{name} predicted");
        });
    }
}
