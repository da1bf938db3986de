using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>
/// Whole training steps on the devices that run the GPU kernels against the CPU from the same seed: seed001-shallow
/// (Conv2D, BatchNormalization, ReLU, MaxPooling2D, Dropout, Flatten, Dense and the fused loss) with SGD and Adam, and a
/// small model with L2 kernel penalties and class weights. Losses, gradients and updated weights must agree up to
/// float32 rounding (the tolerances are stated per assertion).
/// </summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.Gpus))]
public class TrainingStepTests(string device) : DeviceFixture(device)
{
    private const int Batch = 4, Steps = 2;

    private sealed record Run(double[] Losses, int[] Correct, double[] Penalties, Dictionary<string, float[]> Gradients,
        Dictionary<string, float[]> Weights, Dictionary<string, float[]> OptimizerState);

    private static Run Train(Device device, ArchitectureSpec spec, Func<Optimizer> optimizer, L2Regularizer? l2 = null, double[]? classWeight = null)
    {
        using var model = Sequential.Build(spec, device, DType.Float32, seed: 7);
        if (l2 != null) model.SetDefaultKernelRegularizer(l2);
        using var opt = optimizer();
        using var loss = new SoftmaxCrossEntropyLoss(classWeight);
        int[] input = model.InputShape;
        using var x = device.Allocate(DType.Float32, [Batch, .. input]);
        using var y = device.Allocate(DType.Int32, Batch);
        var losses = new double[Steps];
        var penalties = new double[Steps];
        var correct = new int[Steps];
        Dictionary<string, float[]> gradients = [];
        for (int step = 0; step < Steps; step++)
        {
            device.Upload<float>(x, RandomData.Floats((int)x.Length, 100 + step).Select(v => 0.5f + 0.5f * v).ToArray());
            device.Upload<int>(y, Enumerable.Range(0, Batch).Select(i => (i * 3 + step) % model.ClassCount).ToArray());
            // Training mode: dropout masks come from (seed, step, layer), identical on every device.
            var result = loss.Compute(model.ForwardLogits(x, new ForwardContext(true, Seed: 11, Step: (ulong)step + 1)), y, computeGradient: true);
            losses[step] = result.MeanLoss;
            correct[step] = result.Correct;
            penalties[step] = model.RegularizationLoss();
            model.Backward(loss.Gradient);
            if (step == 0) gradients = model.Parameters.Where(p => p.Trainable).ToDictionary(p => p.FullName, p => Read<float>(p.Gradient!));
            opt.Step(model.Parameters);
        }
        return new Run(losses, correct, penalties, gradients, model.Parameters.ToDictionary(p => p.FullName, p => Read<float>(p.Value)),
            opt.State(model.Parameters).ToDictionary(s => s.Name, s => Read<float>(s.Value)));
    }

    /// <summary>|device - cpu| ≤ relative · (largest |cpu| of the tensor) + absolute, element-wise.</summary>
    private void AssertTensorsClose(Dictionary<string, float[]> actual, Dictionary<string, float[]> cpu, double relative, double absolute, string what)
    {
        Assert.That(actual.Keys, Is.EquivalentTo(cpu.Keys), what + ": tensor names");
        foreach (var (name, expected) in cpu)
        {
            float[] values = actual[name];
            double scale = expected.Max(v => Math.Abs((double)v));
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(values[i] - expected[i]) <= relative * scale + absolute))
                    Assert.Fail($"{what} {name}[{i}]: {DeviceName} {values[i]}, cpu {expected[i]} (largest |cpu| {scale})");
        }
    }

    private static Device Cpu => TestDevices.Require(TestDevices.Cpu);

    private static ArchitectureSpec Shallow => ArchitectureSpec.Load(RepositoryPaths.Model("seed001-shallow"));

    [Test]
    public void Sgd_momentum_steps_of_seed001_shallow_match_the_cpu()
    {
        Optimizer Sgd() => new Sgd(0.01, momentum: 0.9, nesterov: true);
        Run device = Train(Device, Shallow, Sgd), cpu = Train(Cpu, Shallow, Sgd);
        for (int s = 0; s < Steps; s++)
            Assert.That(device.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-4 * cpu.Losses[s]), $"loss of step {s + 1}");
        Assert.That(device.Correct, Is.EqualTo(cpu.Correct), "correct predictions");
        // The tolerance of the CPU's own float32-against-float64 agreement test (PrecisionAgreementTests).
        AssertTensorsClose(device.Gradients, cpu.Gradients, 1e-3, 1e-5, "gradient");
        // SGD moves weights linearly in the gradients, so the weights agree to lr times that tolerance.
        AssertTensorsClose(device.Weights, cpu.Weights, 1e-5, 1e-6, "weight after 2 steps");
    }

    [Test]
    public void Adam_steps_of_seed001_shallow_match_the_cpu()
    {
        Optimizer Adam() => new Adam(1e-3);
        Run device = Train(Device, Shallow, Adam), cpu = Train(Cpu, Shallow, Adam);
        for (int s = 0; s < Steps; s++)
            Assert.That(device.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-4 * cpu.Losses[s]), $"loss of step {s + 1}");
        // The moments are linear (m) and quadratic (v) in the gradients: as tight as the gradients
        // (m ≈ 0.19 g after two steps, so the gradients' 1e-5 absolute floor becomes 2e-6).
        AssertTensorsClose(device.OptimizerState, cpu.OptimizerState, 2e-3, 2e-6, "Adam state");
        // Adam's step m/√v is ±lr for any gradient, however small, so a gradient that is zero up to rounding (a conv
        // bias feeding BatchNormalization) moves its weight by up to lr per step in a direction set by rounding:
        // weights are compared to Steps · lr.
        AssertTensorsClose(device.Weights, cpu.Weights, 1e-4, Steps * 1e-3, "weight after 2 steps");
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

    [Test]
    public void Steps_with_l2_penalties_and_class_weights_match_the_cpu()
    {
        var spec = ArchitectureSpec.Parse(Tiny, "tiny");
        Optimizer Sgd() => new Sgd(0.05);
        Run device = Train(Device, spec, Sgd, new L2Regularizer(0.01), [0.5, 2.0, 1.25]);
        Run cpu = Train(Cpu, spec, Sgd, new L2Regularizer(0.01), [0.5, 2.0, 1.25]);
        for (int s = 0; s < Steps; s++)
        {
            Assert.That(device.Losses[s], Is.EqualTo(cpu.Losses[s]).Within(1e-5 * cpu.Losses[s]), $"weighted loss of step {s + 1}");
            Assert.That(cpu.Penalties[s], Is.GreaterThan(0));
            Assert.That(device.Penalties[s], Is.EqualTo(cpu.Penalties[s]).Within(1e-5 * cpu.Penalties[s]), $"penalty at step {s + 1}");
        }
        foreach (var (name, expected) in cpu.Gradients)
            RandomData.AssertClose(device.Gradients[name], expected, 1e-4, "gradient " + name);
        foreach (var (name, expected) in cpu.Weights)
            RandomData.AssertClose(device.Weights[name], expected, 1e-5, "weight " + name);
    }
}
