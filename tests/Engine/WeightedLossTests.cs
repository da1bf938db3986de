using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Diagnostics;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>
/// Class-weighted softmax cross-entropy (Keras class_weight) against a plain double-precision
/// reference: L = (1/N) Σ_n w[y_n] (logsumexp(z_n) - z_n[y_n]), ∂L/∂z_n = w[y_n] (softmax(z_n) - onehot(y_n))/N.
/// </summary>
public class WeightedLossTests
{
    private static readonly CpuDevice Device = new();

    private sealed record Problem(double[] Logits, int[] Labels, double[] Weights, int N, int K);

    /// <summary>Random logits in [-3, 3) (never zeros), random labels, distinct weights in [0.2, 3).</summary>
    private static Problem Make(int n, int k, int seed)
    {
        var random = new System.Random(seed);
        double[] logits = RandomData.Doubles(n * k, seed).Select(v => 3 * v).ToArray();
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        double[] weights = Enumerable.Range(0, k).Select(_ => 0.2 + 2.8 * random.NextDouble()).ToArray();
        return new Problem(logits, labels, weights, n, k);
    }

    /// <summary>The formula, term by term in double.</summary>
    private static (double Loss, double[] Gradient) Reference(Problem p, double[] logits)
    {
        double loss = 0;
        var gradient = new double[p.N * p.K];
        for (int i = 0; i < p.N; i++)
        {
            var z = logits.AsSpan(i * p.K, p.K);
            double max = double.NegativeInfinity;
            foreach (double v in z) max = Math.Max(max, v);
            double sum = 0;
            foreach (double v in z) sum += Math.Exp(v - max);
            double logSumExp = max + Math.Log(sum), w = p.Weights[p.Labels[i]];
            loss += w * (logSumExp - z[p.Labels[i]]);
            for (int j = 0; j < p.K; j++)
                gradient[i * p.K + j] = w * (Math.Exp(z[j] - logSumExp) - (j == p.Labels[i] ? 1 : 0)) / p.N;
        }
        return (loss / p.N, gradient);
    }

    private static Tensor Upload(Problem p, DType dtype)
    {
        var t = Device.Allocate(dtype, p.N, p.K);
        if (dtype == DType.Float64) Device.Upload<double>(t, p.Logits);
        else Device.Upload<float>(t, Array.ConvertAll(p.Logits, v => (float)v));
        return t;
    }

    private static Tensor Labels(Problem p)
    {
        var t = Device.Allocate(DType.Int32, p.N);
        Device.Upload<int>(t, p.Labels);
        return t;
    }

    private static double[] Read(Tensor t) => t.DType == DType.Float64
        ? t.AsSpan<double>().ToArray()
        : Array.ConvertAll(t.AsSpan<float>().ToArray(), v => (double)v);

    [TestCase(1, 4, DType.Float32), TestCase(5, 7, DType.Float32), TestCase(13, 3, DType.Float32), TestCase(31, 5, DType.Float32)]
    [TestCase(1, 4, DType.Float64), TestCase(5, 7, DType.Float64), TestCase(13, 3, DType.Float64), TestCase(31, 5, DType.Float64)]
    public void Weighted_loss_and_gradient_match_the_double_reference(int n, int k, DType dtype)
    {
        var p = Make(n, k, seed: n * 100 + k);
        using var logits = Upload(p, dtype);
        using var labels = Labels(p);
        using var loss = new SoftmaxCrossEntropyLoss(p.Weights);
        var result = loss.Compute(logits, labels, computeGradient: true);

        // The reference sees the logits as the kernel does (rounded to float32 when float32).
        var (expectedLoss, expectedGradient) = Reference(p, Read(logits));
        double tolerance = dtype == DType.Float64 ? 1e-13 : 2e-6;
        Assert.That(result.MeanLoss, Is.EqualTo(expectedLoss).Within(tolerance * Math.Max(1, expectedLoss)), "mean weighted loss");
        double[] gradient = Read(loss.Gradient);
        for (int i = 0; i < gradient.Length; i++)
            Assert.That(gradient[i], Is.EqualTo(expectedGradient[i]).Within(tolerance), $"dLogits[{i}]");
    }

    [TestCase(5, 7), TestCase(13, 3)]
    public void Class_weights_change_the_loss_but_not_the_correct_count(int n, int k)
    {
        var p = Make(n, k, seed: 7);
        using var logits = Upload(p, DType.Float32);
        using var labels = Labels(p);
        using var weighted = new SoftmaxCrossEntropyLoss(p.Weights);
        using var plain = new SoftmaxCrossEntropyLoss();
        var w = weighted.Compute(logits, labels, computeGradient: false);
        var u = plain.Compute(logits, labels, computeGradient: false);
        Assert.That(w.Correct, Is.EqualTo(u.Correct));
        Assert.That(w.MeanLoss, Is.Not.EqualTo(u.MeanLoss).Within(1e-4));
    }

    [Test]
    public void Weights_of_one_give_the_unweighted_results_bit_for_bit()
    {
        var p = Make(9, 5, seed: 3);
        using var logits = Upload(p, DType.Float32);
        using var labels = Labels(p);
        using var ones = new SoftmaxCrossEntropyLoss(Enumerable.Repeat(1.0, p.K).ToArray());
        using var plain = new SoftmaxCrossEntropyLoss();
        var a = ones.Compute(logits, labels, computeGradient: true);
        var b = plain.Compute(logits, labels, computeGradient: true);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(Read(ones.Gradient), Is.EqualTo(Read(plain.Gradient)));
    }

    [Test]
    public void A_zero_weight_removes_its_class_from_loss_and_gradient()
    {
        var p = Make(12, 3, seed: 11);
        int silenced = p.Labels[0];
        p.Weights[silenced] = 0;
        using var logits = Upload(p, DType.Float64);
        using var labels = Labels(p);
        using var loss = new SoftmaxCrossEntropyLoss(p.Weights);
        var result = loss.Compute(logits, labels, computeGradient: true);
        double[] gradient = Read(loss.Gradient);
        for (int i = 0; i < p.N; i++)
            if (p.Labels[i] == silenced)
                Assert.That(gradient.AsSpan(i * p.K, p.K).ToArray(), Is.All.EqualTo(0), $"sample {i}");
        Assert.That(result.MeanLoss, Is.EqualTo(Reference(p, p.Logits).Loss).Within(1e-13));
    }

    [Test]
    public void Weighted_loss_gradient_matches_central_differences()
    {
        double[] weights = [1.03, 9.41, 0.2, 0.57, 0.85, 1.29, 0.83];
        var weighted = new GradientChecker().CheckLoss(Device, batch: 5, classes: 7, weights);
        Assert.That(weighted.Passed, Is.True, $"max abs {weighted.MaxAbsoluteError:E2}, rel {weighted.MaxRelativeError:E2}");
    }

    [Test]
    public void Bad_class_weights_are_rejected_with_a_clear_message()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyLoss([1.0, -0.5]))!.Message, Does.Contain("class weight 1"));
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyLoss([1.0, double.NaN]));
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyLoss([]));

        var p = Make(4, 3, seed: 1);
        using var logits = Upload(p, DType.Float32);
        using var labels = Labels(p);
        using var wrongCount = new SoftmaxCrossEntropyLoss([1.0, 2.0]);
        Assert.That(Assert.Throws<ArgumentException>(() => wrongCount.Compute(logits, labels, false))!.Message,
            Does.Contain("2 class weights").And.Contain("3 classes"));
        using var wrongType = Device.Allocate(DType.Float64, 3);
        Assert.Throws<ArgumentException>(() => Device.SoftmaxCrossEntropy(logits, labels, null, wrongType));
    }
}
