using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// A seed model with random inputs and labels, shared by every bench that trains one (train-throughput,
/// layer-profile, the BenchmarkDotNet suites): one training step (forward, fused loss, backward, Adam), and each
/// layer's own input and output gradient for per-layer timing.
/// </summary>
internal sealed class ModelFixture : IDisposable
{
    private readonly Tensor _x, _labels;
    private readonly bool _ownsDevice;

    /// <summary>Builds models/<paramref name="name"/>.json on <paramref name="deviceName"/> (any --device name, see DeviceFactory)
    /// with batch <paramref name="batch"/> inputs in [0, 1).</summary>
    public ModelFixture(string name, int batch, string deviceName = "cpu") : this(name, batch, BenchDevices.Create(deviceName), ownsDevice: true)
    {
    }

    /// <summary>Builds models/<paramref name="name"/>.json on an open device, which the fixture disposes only when it
    /// owns it (a GPU device shared by several fixtures compiles its kernels once).</summary>
    public ModelFixture(string name, int batch, Device device, bool ownsDevice)
    {
        Device = device;
        _ownsDevice = ownsDevice;
        Model = Sequential.Build(ArchitectureSpec.Load(ModelPath(name)), Device, seed: 1);
        var random = new Random(1);
        _x = Inputs(Device, Model, batch, random);
        _labels = Device.Allocate(DType.Int32, batch);
        Device.Upload<int>(_labels, Enumerable.Range(0, batch).Select(_ => random.Next(Model.ClassCount)).ToArray());
    }

    /// <summary>The device the model runs on.</summary>
    public Device Device { get; }

    /// <summary>The optimizer of <see cref="TrainStep"/>.</summary>
    public Adam Adam { get; } = new();

    /// <summary>The fused loss of <see cref="TrainStep"/>.</summary>
    public SoftmaxCrossEntropyLoss Loss { get; } = new();

    /// <summary>The random labels [N], Int32.</summary>
    public Tensor Labels => _labels;

    /// <summary>The model.</summary>
    public Sequential Model { get; }

    /// <summary>The random input batch [N, C, H, W].</summary>
    public Tensor Input => _x;

    /// <summary>One training step.</summary>
    public void TrainStep()
    {
        var logits = Model.ForwardLogits(_x, new ForwardContext(true, 1, (ulong)Adam.Iterations));
        Loss.Compute(logits, _labels, computeGradient: true);
        Model.Backward(Loss.Gradient);
        Adam.Step(Model.Parameters);
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
        Adam.Dispose();
        Loss.Dispose();
        Model.Dispose();
        if (_ownsDevice) Device.Dispose();
    }

    /// <summary>Random inputs [n, C, H, W] in [0, 1) for <paramref name="model"/>.</summary>
    internal static Tensor Inputs(Device device, Sequential model, int n, Random random)
    {
        var x = device.Allocate(DType.Float32, [n, .. model.InputShape]);
        var host = new float[x.Length];
        for (int i = 0; i < host.Length; i++) host[i] = random.NextSingle();
        device.Upload<float>(x, host);
        return x;
    }

    /// <summary>models/NAME.json, found by walking up from the current directory or the executable.</summary>
    internal static string ModelPath(string name)
    {
        if (File.Exists(name)) return name;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "models", name + ".json");
                if (File.Exists(path)) return path;
            }
        throw new FileNotFoundException($"architecture '{name}' not found (looked for models/{name}.json above {Directory.GetCurrentDirectory()})");
    }
}
