using BenchmarkDotNet.Attributes;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Bench;

/// <summary>
/// A full training step at batch 64 and an inference batch of 256 per FER seed model, on the CPU (images/s =
/// batch / mean time). Run: <c>dotnet run -c Release --project bench -- --filter '*ModelBenchmarks*'</c>;
/// <c>train-throughput</c> and <c>compare_pytorch.py</c> measure the same with PyTorch side by side.
/// </summary>
public class ModelBenchmarks
{
    private ModelFixture? _train, _infer;

    /// <summary>The architecture (models/NAME.json).</summary>
    [Params("seed001-shallow", "seed001-deep", "seed002", "seed004")]
    public string Model { get; set; } = "";

    /// <summary>Builds the model twice: batch 64 for training, 256 for inference.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _train = new ModelFixture(Model, 64);
        _infer = new ModelFixture(Model, 256);
    }

    /// <summary>Frees both.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _train?.Dispose();
        _infer?.Dispose();
    }

    /// <summary>Forward, fused loss, backward and Adam on 64 images.</summary>
    [Benchmark]
    public void TrainingStep64() => _train!.TrainStep();

    /// <summary>Class probabilities for 256 images (moving statistics, no dropout).</summary>
    [Benchmark]
    public Tensor Inference256() => _infer!.Model.Predict(_infer.Input);
}
