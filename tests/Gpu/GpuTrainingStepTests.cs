using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// Whole training steps of the seed001-shallow model (Conv2D, BatchNormalization, ReLU,
/// MaxPooling2D, Dropout, Flatten, Dense and the fused loss) on the GPU and on the CPU from the
/// same seed: the losses, the gradients and the updated weights must agree up to float rounding.
/// </summary>
public class GpuTrainingStepTests(string backend) : GpuTestBase(backend)
{
    private const int Batch = 4, Steps = 2;

    private sealed record Run(double[] Losses, int[] Correct, Dictionary<string, float[]> Gradients, Dictionary<string, float[]> Weights,
        Dictionary<string, float[]> OptimizerState);

    private static Run Train(Device device, Func<Optimizer> optimizer)
    {
        var spec = ArchitectureSpec.Load(RepositoryPaths.Model("seed001-shallow"));
        using var model = Sequential.Build(spec, device, DType.Float32, seed: 7);
        using var opt = optimizer();
        using var loss = new SoftmaxCrossEntropyLoss();
        using var x = device.Allocate(DType.Float32, Batch, 1, 48, 48);
        using var y = device.Allocate(DType.Int32, Batch);
        var losses = new double[Steps];
        var correct = new int[Steps];
        Dictionary<string, float[]> gradients = [];
        for (int step = 0; step < Steps; step++)
        {
            device.Upload<float>(x, RandomData.Floats(Batch * 48 * 48, 100 + step).Select(v => 0.5f + 0.5f * v).ToArray());
            device.Upload<int>(y, Enumerable.Range(0, Batch).Select(i => (i * 3 + step) % 7).ToArray());
            // Training mode: dropout masks come from (seed, step, layer), identical on both devices.
            var result = loss.Compute(model.ForwardLogits(x, new ForwardContext(true, Seed: 11, Step: (ulong)step + 1)), y, computeGradient: true);
            losses[step] = result.MeanLoss;
            correct[step] = result.Correct;
            model.Backward(loss.Gradient);
            if (step == 0) gradients = model.Parameters.Where(p => p.Trainable).ToDictionary(p => p.FullName, p => Read(p.Gradient!));
            opt.Step(model.Parameters);
        }
        return new Run(losses, correct, gradients, model.Parameters.ToDictionary(p => p.FullName, p => Read(p.Value)),
            opt.State(model.Parameters).ToDictionary(s => s.Name, s => Read(s.Value)));
    }

    /// <summary>|gpu - cpu| ≤ relative · (largest |cpu| of the tensor) + absolute, element-wise.</summary>
    private void AssertTensorsClose(Dictionary<string, float[]> gpu, Dictionary<string, float[]> cpu, double relative, double absolute, string what)
    {
        Assert.That(gpu.Keys, Is.EquivalentTo(cpu.Keys), what + ": tensor names");
        foreach (var (name, expected) in cpu)
        {
            float[] actual = gpu[name];
            double scale = expected.Max(v => Math.Abs((double)v));
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(actual[i] - expected[i]) <= relative * scale + absolute))
                    Assert.Fail($"{what} {name}[{i}]: {Backend} {actual[i]}, cpu {expected[i]} (largest |cpu| {scale})");
        }
    }

    [Test]
    public void Sgd_momentum_steps_of_seed001_shallow_match_the_cpu()
    {
        Optimizer Sgd() => new Sgd(0.01, momentum: 0.9, nesterov: true);
        Run gpu = Train(Gpu, Sgd), cpu = Train(Cpu, Sgd);
        for (int s = 0; s < Steps; s++)
            Assert.That(gpu.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-4 * cpu.Losses[s]), $"loss of step {s + 1}");
        Assert.That(gpu.Correct, Is.EqualTo(cpu.Correct), "correct predictions");
        // Same tolerance as the CPU's own float32-vs-float64 agreement test (PrecisionAgreementTests).
        AssertTensorsClose(gpu.Gradients, cpu.Gradients, 1e-3, 1e-5, "gradient");
        // SGD moves weights linearly in the gradients, so the weights agree to lr x that tolerance.
        AssertTensorsClose(gpu.Weights, cpu.Weights, 1e-5, 1e-6, "weight after 2 steps");
    }

    [Test]
    public void Adam_steps_of_seed001_shallow_match_the_cpu()
    {
        Optimizer Adam() => new Adam(1e-3);
        Run gpu = Train(Gpu, Adam), cpu = Train(Cpu, Adam);
        for (int s = 0; s < Steps; s++)
            Assert.That(gpu.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-4 * cpu.Losses[s]), $"loss of step {s + 1}");
        // The moments are linear (m) and quadratic (v) in the gradients: as tight as the gradients
        // (m ≈ 0.19 g after two steps, so the gradients' 1e-5 absolute floor becomes 2e-6).
        AssertTensorsClose(gpu.OptimizerState, cpu.OptimizerState, 2e-3, 2e-6, "Adam state");
        // Adam's step m/√v is ±lr for any gradient, however small, so a gradient that is zero up to
        // rounding (e.g. a conv bias feeding BatchNormalization) moves its weight by up to lr per
        // step in a direction set by rounding: weights are compared to Steps · lr.
        AssertTensorsClose(gpu.Weights, cpu.Weights, 1e-4, Steps * 1e-3, "weight after 2 steps");
    }
}
