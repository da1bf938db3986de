using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// Each Conv2D, Dense, BatchNormalization and MaxPooling2D layer of the FER seed models, forward and backward on
/// its own, at the model's shapes (batch 64, training mode). Run one model's layers with e.g.
/// <c>NATIVECNN_BENCH_MODELS=seed002 dotnet run -c Release --project bench -- --filter '*LayerBenchmarks*'</c>
/// (all four models are about 130 layer cases), or <c>layer-profile</c> for a quick table of the same split inside
/// real training steps. <c>NATIVECNN_BENCH_DEVICES=cpu,cpu:im2col</c> runs every case on both CPU convolution
/// algorithms (Winograd where it applies, and im2col everywhere) side by side.
/// </summary>
[Config(typeof(WideCaseColumn))]
public class LayerBenchmarks
{
    /// <summary>Shows the whole "model/layer" case name (BenchmarkDotNet cuts parameters at 20 characters).</summary>
    private sealed class WideCaseColumn : ManualConfig
    {
        public WideCaseColumn() => SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
    }

    private ModelFixture? _fixture;
    private Layer? _layer;
    private Tensor? _input, _outputGradient, _gradientCopy;

    /// <summary>The cases: "model/layer" for every timed layer of the four FER seed models.</summary>
    public static IEnumerable<string> Layers()
    {
        string models = Environment.GetEnvironmentVariable("NATIVECNN_BENCH_MODELS") ?? "seed001-shallow,seed001-deep,seed002,seed004";
        foreach (var model in models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var fixture = new ModelFixture(model, 1);
            foreach (var layer in fixture.Model.Layers)
                if (layer is Conv2D or Dense or BatchNormalization or MaxPooling2D)
                    yield return $"{model}/{layer.Name}";
        }
    }

    /// <summary>The current case.</summary>
    [ParamsSource(nameof(Layers))]
    public string Case { get; set; } = "";

    /// <summary>The devices to compare (NATIVECNN_BENCH_DEVICES, default cpu).</summary>
    public static IEnumerable<string> Devices() =>
        (Environment.GetEnvironmentVariable("NATIVECNN_BENCH_DEVICES") ?? "cpu").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The current device: a name for <c>--device</c>.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>Builds the model, runs a step, and captures the layer's input and a random output gradient.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split('/');
        _fixture = new ModelFixture(parts[0], 64, Device);
        int index = _fixture.Model.Layers.Select((l, i) => (l, i)).First(p => p.l.Name == parts[1]).i;
        _layer = _fixture.Model.Layers[index];
        (_input, _outputGradient) = _fixture.LayerOperands(index);
        _gradientCopy = _fixture.Device.Allocate(DType.Float32, _outputGradient.ShapeArray());
    }

    /// <summary>Frees the fixture.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _outputGradient?.Dispose();
        _gradientCopy?.Dispose();
        _fixture?.Dispose();
    }

    /// <summary>The layer's forward pass in training mode.</summary>
    [Benchmark]
    public Tensor Forward() => _layer!.Forward(_input!, new(true, 1, 0));

    /// <summary>The layer's backward pass (parameter gradients and the input gradient), from a fresh copy of the
    /// output gradient because a backward pass may overwrite it.</summary>
    [Benchmark]
    public Tensor? Backward()
    {
        _fixture!.Device.Copy(_outputGradient!, _gradientCopy!);
        return _layer!.Backward(_gradientCopy!, needInputGradient: true);
    }
}
