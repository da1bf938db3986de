using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// A seed model on the CPU with random inputs and labels, shared by the BenchmarkDotNet suites: one training step
/// (forward, fused loss, backward, Adam), and each layer's own input and output gradient for per-layer timing.
/// </summary>
internal sealed class ModelFixture : IDisposable
{
    private readonly Tensor _x, _labels;
    private readonly Adam _adam = new();
    private readonly SoftmaxCrossEntropyLoss _loss = new();

    /// <summary>Builds models/<paramref name="name"/>.json with batch <paramref name="batch"/> inputs in [0, 1).</summary>
    public ModelFixture(string name, int batch)
    {
        Device = DeviceFactory.Create("cpu");
        Model = Sequential.Build(ArchitectureSpec.Load(TrainingThroughput.ModelPath(name)), Device, seed: 1);
        var random = new Random(1);
        _x = TrainingThroughput.Inputs(Device, Model, batch, random);
        _labels = Device.Allocate(DType.Int32, batch);
        Device.Upload<int>(_labels, Enumerable.Range(0, batch).Select(_ => random.Next(Model.ClassCount)).ToArray());
    }

    /// <summary>The CPU device.</summary>
    public Device Device { get; }

    /// <summary>The model.</summary>
    public Sequential Model { get; }

    /// <summary>The random input batch [N, C, H, W].</summary>
    public Tensor Input => _x;

    /// <summary>One training step.</summary>
    public void TrainStep()
    {
        var logits = Model.ForwardLogits(_x, new ForwardContext(true, 1, (ulong)_adam.Iterations));
        _loss.Compute(logits, _labels, computeGradient: true);
        Model.Backward(_loss.Gradient);
        _adam.Step(Model.Parameters);
    }

    /// <summary>Runs a training step and returns what layer <paramref name="index"/> saw: its input, and a random
    /// gradient of its output's shape, so the layer can then be timed on its own.</summary>
    public (Tensor Input, Tensor OutputGradient) LayerOperands(int index)
    {
        TrainStep();
        var context = new ForwardContext(true, 1, 0);
        Tensor h = _x;
        for (int i = 0; i < index; i++) h = Model.Layers[i].Forward(h, context);
        var layer = Model.Layers[index];
        var output = layer.Forward(h, context);
        var dy = Device.Allocate(DType.Float32, output.ShapeArray());
        var random = new Random(2);
        Device.Upload<float>(dy, Enumerable.Range(0, (int)dy.Length).Select(_ => random.NextSingle() - 0.5f).ToArray());
        return (h, dy);
    }

    /// <summary>Frees everything.</summary>
    public void Dispose()
    {
        _x.Dispose();
        _labels.Dispose();
        _adam.Dispose();
        _loss.Dispose();
        Model.Dispose();
        Device.Dispose();
    }
}
