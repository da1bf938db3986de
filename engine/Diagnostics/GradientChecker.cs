using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Diagnostics;

/// <summary>Worst disagreement between a backward pass and central differences for one tensor.</summary>
/// <param name="Layer">Layer name (or "loss").</param>
/// <param name="Tensor">"input" or the parameter name.</param>
/// <param name="Checked">Elements compared.</param>
/// <param name="MaxAbsoluteError">max |analytic - numeric|.</param>
/// <param name="MaxRelativeError">max |analytic - numeric| / max(|analytic|, |numeric|, 1e-6).</param>
/// <param name="Passed">True when every element is within tolerance.</param>
public sealed record GradientCheckResult(string Layer, string Tensor, int Checked, double MaxAbsoluteError, double MaxRelativeError, bool Passed);

/// <summary>
/// Float64 central-difference gradient checks. For a layer f and a fixed random projection r,
/// the scalar L(x, θ) = Σ r ⊙ f(x; θ) + R(θ) has ∂L/∂y = r, so one Backward(r) gives the analytic
/// ∂L/∂x and ∂L/∂θ; each is compared with (L(v + h) - L(v - h)) / 2h element by element.
/// R(θ) is the layer's <see cref="Layer.RegularizationLoss"/> (λ·Σ kernel² under an L2 kernel
/// regularizer, else 0), so the penalty's gradient term is checked with the rest.
/// Training mode is used (batch statistics, a fixed dropout mask).
/// </summary>
public sealed class GradientChecker
{
    /// <summary>Finite-difference step (float64: truncation error O(h²) ≈ 1e-10, rounding ≈ 1e-11 |L|).</summary>
    public double Step { get; init; } = 1e-5;

    /// <summary>An element passes when |a - n| ≤ Tolerance · max(1, |a|, |n|).</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>At most this many elements per tensor are checked (a seeded random subset), to bound the cost.</summary>
    public int MaxElementsPerTensor { get; init; } = 64;

    /// <summary>Seed for inputs, projection and element choice.</summary>
    public int Seed { get; init; } = 12345;

    /// <summary>Fault injection for tests of the checker itself: called after each analytic backward pass with the layer and its input gradient.</summary>
    internal Action<Layer, Tensor?>? AfterBackward { get; init; }

    /// <summary>Builds <paramref name="layer"/> in float64 on <paramref name="device"/> for inputs [batch, ...inputShape] and checks ∂/∂input and ∂/∂ every trainable parameter.</summary>
    public IReadOnlyList<GradientCheckResult> CheckLayer(Device device, Layer layer, int[] inputShape, int batch)
    {
        var random = new System.Random(Seed);
        layer.Build(device, DType.Float64, inputShape, index: 0, seed: (ulong)Seed);
        var context = new ForwardContext(Training: true, Seed: (ulong)Seed, Step: 7);
        using var x = device.Allocate(DType.Float64, [batch, .. inputShape]);
        double[] xHost = RandomArray(random, x.Length);
        device.Upload<double>(x, xHost);
        double[] projection = RandomArray(random, batch * Tensor.CheckedLength(layer.OutputShape));
        using var dy = device.Allocate(DType.Float64, [batch, .. layer.OutputShape]);

        double Loss()
        {
            var y = layer.Forward(x, context);
            var yHost = new double[y.Length];
            device.Download<double>(y, yHost);
            double sum = 0;
            for (int i = 0; i < yHost.Length; i++) sum += yHost[i] * projection[i];
            return sum + layer.RegularizationLoss();
        }

        Loss();
        device.Upload<double>(dy, projection);
        var dx = layer.Backward(dy, needInputGradient: true);
        AfterBackward?.Invoke(layer, dx);
        var results = new List<GradientCheckResult>();
        if (dx != null)
            results.Add(Compare(layer.Name, "input", Download(device, dx), x, xHost, random, Loss));
        foreach (var p in layer.Parameters.Where(p => p.Trainable))
        {
            double[] analytic = Download(device, p.Gradient!);
            results.Add(Compare(layer.Name, p.Name, analytic, p.Value, Download(device, p.Value), random, Loss));
        }
        return results;
    }

    /// <summary>Checks the fused softmax cross-entropy's ∂L/∂logits for random logits [batch, classes],
    /// class-weighted when <paramref name="classWeight"/> (one weight per class) is given.</summary>
    /// <exception cref="ArgumentException">classWeight does not hold <paramref name="classes"/> finite weights ≥ 0.</exception>
    public GradientCheckResult CheckLoss(Device device, int batch, int classes, IReadOnlyList<double>? classWeight = null)
    {
        var random = new System.Random(Seed);
        using var logits = device.Allocate(DType.Float64, batch, classes);
        using var labels = device.Allocate(DType.Int32, batch);
        double[] z = RandomArray(random, logits.Length);
        device.Upload<double>(logits, z);
        device.Upload<int>(labels, Enumerable.Range(0, batch).Select(_ => random.Next(classes)).ToArray());
        using var loss = new SoftmaxCrossEntropyLoss(classWeight);
        loss.Compute(logits, labels, computeGradient: true);
        double[] analytic = Download(device, loss.Gradient);
        return Compare("loss", "logits", analytic, logits, z, random, () => loss.Compute(logits, labels, computeGradient: false).MeanLoss);
    }

    private GradientCheckResult Compare(string layer, string name, double[] analytic, Tensor variable, double[] values,
        System.Random random, Func<double> loss)
    {
        var indices = Enumerable.Range(0, values.Length).OrderBy(_ => random.Next()).Take(MaxElementsPerTensor).ToArray();
        double maxAbs = 0, maxRel = 0;
        bool passed = true;
        foreach (int i in indices)
        {
            double original = values[i];
            values[i] = original + Step;
            variable.Device.Upload<double>(variable, values);
            double plus = loss();
            values[i] = original - Step;
            variable.Device.Upload<double>(variable, values);
            double minus = loss();
            values[i] = original;
            variable.Device.Upload<double>(variable, values);

            double numeric = (plus - minus) / (2 * Step);
            double abs = Math.Abs(analytic[i] - numeric);
            double scale = Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric));
            maxAbs = Math.Max(maxAbs, abs);
            maxRel = Math.Max(maxRel, abs / Math.Max(scale, 1e-6));
            if (!(abs <= Tolerance * Math.Max(1, scale))) passed = false;
        }
        return new GradientCheckResult(layer, name, indices.Length, maxAbs, maxRel, passed);
    }

    private static double[] Download(Device device, Tensor t)
    {
        var host = new double[t.Length];
        device.Download<double>(t, host);
        return host;
    }

    private static double[] RandomArray(System.Random random, long length)
    {
        var a = new double[length];
        for (int i = 0; i < a.Length; i++) a[i] = 2 * random.NextDouble() - 1;
        return a;
    }
}
