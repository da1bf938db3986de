using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>
/// The float32 training path (wide vectors, packed GEMM blocks) gives the same loss and
/// gradients as the gradient-checked float64 path on a model large enough to exercise every
/// kernel's blocking: real seed001-shallow shapes.
/// </summary>
public class PrecisionAgreementTests
{
    [Test]
    public void Float32_gradients_of_seed001_shallow_match_float64()
    {
        using var device = new CpuDevice();
        var spec = ArchitectureSpec.Load(RepositoryPaths.Model("seed001-shallow"));
        const int n = 8;
        float[] pixels = RandomData.Floats(n * 48 * 48, 11).Select(v => 0.5f + 0.5f * v).ToArray();
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 3];
        var (loss32, grads32) = LossAndGradients(device, spec, DType.Float32, pixels, labels);
        var (loss64, grads64) = LossAndGradients(device, spec, DType.Float64, pixels, labels);
        Assert.That(loss32, Is.EqualTo(loss64).Within(1e-4 * Math.Abs(loss64)));
        // Absolute tolerance scaled by each tensor's largest gradient, with a floor of float32 noise
        // for tensors whose true gradient is ~0 (a conv bias followed by BatchNormalization).
        foreach (var (name, g64) in grads64)
        {
            double[] g32 = grads32[name];
            double scale = g64.Max(Math.Abs);
            for (int i = 0; i < g64.Length; i++)
                if (Math.Abs(g32[i] - g64[i]) > 1e-3 * scale + 1e-5)
                    Assert.Fail($"{name}[{i}]: float32 {g32[i]}, float64 {g64[i]} (largest |g| {scale})");
        }
    }

    private static (double Loss, Dictionary<string, double[]> Gradients) LossAndGradients(
        CpuDevice device, ArchitectureSpec spec, DType dtype, float[] pixels, int[] labels)
    {
        using var model = Sequential.Build(spec, device, dtype, seed: 7);
        using var x = device.Allocate(dtype, labels.Length, 1, 48, 48);
        if (dtype == DType.Float64) device.Upload<double>(x, pixels.Select(v => (double)v).ToArray());
        else device.Upload<float>(x, pixels);
        using var y = device.Allocate(DType.Int32, labels.Length);
        device.Upload<int>(y, labels);
        using var loss = new SoftmaxCrossEntropyLoss();
        double value = loss.Compute(model.ForwardLogits(x, new ForwardContext(true, 3, 1)), y, computeGradient: true).MeanLoss;
        model.Backward(loss.Gradient);
        return (value, model.Parameters.Where(p => p.Trainable).ToDictionary(p => p.FullName, p => ToDoubles(device, p.Gradient!)));
    }

    private static double[] ToDoubles(CpuDevice device, Tensor t)
    {
        if (t.DType == DType.Float64) { var d = new double[t.Length]; device.Download<double>(t, d); return d; }
        var f = new float[t.Length];
        device.Download<float>(t, f);
        return f.Select(v => (double)v).ToArray();
    }
}
