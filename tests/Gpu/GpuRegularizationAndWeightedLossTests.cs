using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Diagnostics;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>The operations behind L2 weight decay (AddScaled, SumOfSquares) and the class-weighted loss against the CPU.</summary>
public class GpuRegularizationAndWeightedLossTests(string backend) : GpuTestBase(backend)
{
    private static readonly int[] Lengths = [1, 7, 257, 1000, 70_001, 300_007];

    [TestCaseSource(nameof(Lengths))]
    public void Add_scaled_equals_the_cpu_bit_for_bit(int n)
    {
        float[] y = RandomData.Floats(n, 1), x = RandomData.Floats(n, 2);
        using var gy = Make(Gpu, y, n); using var gx = Make(Gpu, x, n);
        using var cy = Make(Cpu, y, n); using var cx = Make(Cpu, x, n);
        Gpu.AddScaled(gy, gx, 2 * 3.7e-4); Cpu.AddScaled(cy, cx, 2 * 3.7e-4);
        // Both round once per element (fma), so they agree exactly.
        AssertMatches(gy, cy, 0, "y + alpha x");
        Assert.That(Read(gy), Is.Not.EqualTo(y), "y changed");
        if (!Gpu.SupportsFloat64) return;
        double[] yd = RandomData.Doubles(n, 3), xd = RandomData.Doubles(n, 4);
        using var gyd = Make(Gpu, yd, n); using var gxd = Make(Gpu, xd, n);
        Gpu.AddScaled(gyd, gxd, -1.25);
        var back = new double[n];
        Gpu.Download<double>(gyd, back);
        Assert.That(back, Is.EqualTo(yd.Select((v, i) => Math.FusedMultiplyAdd(-1.25, xd[i], v)).ToArray()), "float64");
    }

    [TestCaseSource(nameof(Lengths))]
    public void Sum_of_squares_matches_the_cpu(int n)
    {
        float[] x = RandomData.Floats(n, 5).Select(v => 0.1f + v).ToArray();
        using var gx = Make(Gpu, x, n); using var cx = Make(Cpu, x, n);
        double cpu = Cpu.SumOfSquares(cx);
        Assert.That(cpu, Is.GreaterThan(0));
        Assert.That(Gpu.SumOfSquares(gx), Is.EqualTo(cpu).Within(2e-6 * cpu));
        Assert.That(Read(gx), Is.EqualTo(x), "x is read only");
    }

    [TestCase(1, 3), TestCase(5, 7), TestCase(63, 4), TestCase(301, 5)]
    public void Class_weighted_cross_entropy_matches_the_cpu(int n, int k)
    {
        float[] logits = RandomData.Floats(n * k, 1).Select(v => 5 * v).ToArray();
        var random = new System.Random(n);
        int[] labels = Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray();
        float[] weights = Enumerable.Range(0, k).Select(_ => (float)(0.2 + 3 * random.NextDouble())).ToArray();
        using var gz = Make(Gpu, logits, n, k); using var gl = Make(Gpu, labels, n); using var gw = Make(Gpu, weights, k);
        using var cz = Make(Cpu, logits, n, k); using var cl = Make(Cpu, labels, n); using var cw = Make(Cpu, weights, k);
        using var gd = Gpu.Allocate(DType.Float32, n, k); using var cd = Cpu.Allocate(DType.Float32, n, k);
        var gpu = Gpu.SoftmaxCrossEntropy(gz, gl, gd, gw);
        var cpu = Cpu.SoftmaxCrossEntropy(cz, cl, cd, cw);
        Assert.That(gpu.MeanLoss, Is.EqualTo(cpu.MeanLoss).Within(1e-5 * Math.Max(1, cpu.MeanLoss)), "mean weighted loss");
        Assert.That(gpu.Correct, Is.EqualTo(cpu.Correct), "correct");
        AssertMatches(gd, cd, 1e-6, "dLogits");
        Assert.That(Gpu.SoftmaxCrossEntropy(gz, gl, null, gw), Is.EqualTo(gpu), "loss without gradient");
        Assert.That(gpu.MeanLoss, Is.Not.EqualTo(Gpu.SoftmaxCrossEntropy(gz, gl, null).MeanLoss).Within(1e-6), "the weights matter");
    }

    [Test]
    public void Class_weights_of_the_wrong_length_are_rejected()
    {
        using var z = Make(Gpu, RandomData.Floats(12, 1), 3, 4);
        using var labels = Make(Gpu, new[] { 1, 2, 0 }, 3);
        using var weights = Make(Gpu, new[] { 1f, 2f, 3f }, 3);
        var e = Assert.Throws<ArgumentException>(() => Gpu.SoftmaxCrossEntropy(z, labels, null, weights));
        Assert.That(e!.Message, Does.Contain("class weights"));
    }

    [Test]
    public void Class_weighted_loss_gradient_matches_central_differences_in_float64()
    {
        if (!Gpu.SupportsFloat64) Assert.Ignore($"{Gpu.Name} has no float64 support (cl_khr_fp64)");
        var r = new GradientChecker().CheckLoss(Gpu, batch: 5, classes: 7, [1.03, 9.41, 0.2, 0.57, 0.85, 1.29, 0.83]);
        Assert.That(r.Passed, Is.True, $"max abs {r.MaxAbsoluteError:E2}");
    }

    private const string Tiny = """
        { "name": "tiny", "input_shape": [9, 7, 2], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same", "kernel_regularizer": {"l2": 0.02} },
            { "type": "BatchNormalization" }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Dropout", "rate": 0.25 },
            { "type": "Flatten" }, { "type": "Dense", "units": 5, "activation": "relu" },
            { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    private sealed record StepResult(double[] Losses, double[] Penalties, Dictionary<string, float[]> Gradients, Dictionary<string, float[]> Weights);

    /// <summary>Two SGD steps with kernel L2 (one kernel's own λ, the rest --l2's) and class weights.</summary>
    private static StepResult TrainTwoSteps(Device device)
    {
        using var model = Sequential.Build(ArchitectureSpec.Parse(Tiny, "tiny"), device, DType.Float32, seed: 5);
        model.SetDefaultKernelRegularizer(new L2Regularizer(0.01));
        using var loss = new SoftmaxCrossEntropyLoss([0.5, 2.0, 1.25]);
        using var sgd = new Sgd(0.05);
        using var x = device.Allocate(DType.Float32, 6, 2, 9, 7);
        using var y = device.Allocate(DType.Int32, 6);
        var losses = new double[2];
        var penalties = new double[2];
        Dictionary<string, float[]> gradients = [];
        for (int step = 0; step < 2; step++)
        {
            device.Upload<float>(x, RandomData.Floats(6 * 2 * 9 * 7, 40 + step));
            device.Upload<int>(y, Enumerable.Range(0, 6).Select(i => (i + step) % 3).ToArray());
            losses[step] = loss.Compute(model.ForwardLogits(x, new ForwardContext(true, 3, (ulong)step)), y, computeGradient: true).MeanLoss;
            penalties[step] = model.RegularizationLoss();
            model.Backward(loss.Gradient);
            if (step == 0) gradients = model.Parameters.Where(p => p.Trainable).ToDictionary(p => p.FullName, p => Read(p.Gradient!));
            sgd.Step(model.Parameters);
        }
        return new StepResult(losses, penalties, gradients, model.Parameters.ToDictionary(p => p.FullName, p => Read(p.Value)));
    }

    [Test]
    public void Training_steps_with_l2_and_class_weights_match_the_cpu()
    {
        StepResult gpu = TrainTwoSteps(Gpu), cpu = TrainTwoSteps(Cpu);
        for (int s = 0; s < 2; s++)
        {
            Assert.That(gpu.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-5 * cpu.Losses[s]), $"weighted loss of step {s + 1}");
            Assert.That(cpu.Penalties[s], Is.GreaterThan(0));
            Assert.That(gpu.Penalties[s], Is.EqualTo(cpu.Penalties[s]).Within(1e-5 * cpu.Penalties[s]), $"penalty at step {s + 1}");
        }
        foreach (var (name, expected) in cpu.Gradients)
            RandomData.AssertClose(gpu.Gradients[name], expected, 1e-4, "gradient " + name);
        foreach (var (name, expected) in cpu.Weights)
            RandomData.AssertClose(gpu.Weights[name], expected, 1e-5, "weight " + name);
    }
}
