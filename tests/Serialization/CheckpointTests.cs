using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Serialization;

public class CheckpointTests
{
    private const string Architecture = """
        { "name": "small", "input_shape": [12, 10, 1], "classes": ["a", "b", "c"],
          "layers": [ { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same" },
                      { "type": "BatchNormalization" }, { "type": "Activation", "activation": "relu" },
                      { "type": "MaxPooling2D" }, { "type": "Dropout", "rate": 0.2 }, { "type": "Flatten" },
                      { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    private readonly CpuDevice _device = new();
    private string _dir = "";

    [SetUp]
    public void CreateDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "nativecnn-ckpt-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteDir() => Directory.Delete(_dir, recursive: true);

    /// <summary>A model trained a few steps (so moving statistics and Adam moments are non-trivial).</summary>
    private (Sequential Model, Adam Optimizer, Tensor X) Trained()
    {
        var model = Sequential.Build(ArchitectureSpec.Parse(Architecture, "small"), _device, seed: 4);
        var x = _device.Allocate(DType.Float32, 5, 1, 12, 10);
        _device.Upload<float>(x, RandomData.Floats(5 * 120, 2));
        using var y = _device.Allocate(DType.Int32, 5);
        _device.Upload<int>(y, new[] { 0, 1, 2, 1, 0 });
        var adam = new Adam();
        using var loss = new SoftmaxCrossEntropyLoss();
        for (int step = 0; step < 3; step++)
        {
            loss.Compute(model.ForwardLogits(x, new ForwardContext(true, 1, (ulong)step)), y, true);
            model.Backward(loss.Gradient);
            adam.Step(model.Parameters);
        }
        return (model, adam, x);
    }

    [Test]
    public void Save_and_load_give_identical_predictions_and_optimizer_state()
    {
        var (model, adam, x) = Trained();
        using (model) using (adam) using (x)
        {
            string path = Path.Combine(_dir, "model.safetensors");
            Checkpoint.Save(path, model, adam, "{\"epoch\": 3}");
            float[] before = model.Predict(x).AsSpan<float>().ToArray();

            using var loaded = Checkpoint.Load(path, _device);
            Assert.That(loaded.Model.Predict(x).AsSpan<float>().ToArray(), Is.EqualTo(before), "bit-identical probabilities");
            Assert.That(loaded.TrainingState, Is.EqualTo("{\"epoch\": 3}"));
            foreach (var p in model.Parameters)
                Assert.That(loaded.Model.FindParameter(p.FullName)!.Value.AsSpan<float>().ToArray(), Is.EqualTo(p.Value.AsSpan<float>().ToArray()), p.FullName);

            using var resumed = new Adam();
            Checkpoint.RestoreOptimizer(path, loaded.Content, loaded.Model, resumed);
            Assert.That(resumed.Iterations, Is.EqualTo(3));
            var original = adam.State(model.Parameters).ToDictionary(s => s.Name, s => s.Value.AsSpan<float>().ToArray());
            foreach (var (name, tensor) in resumed.State(loaded.Model.Parameters))
                Assert.That(tensor.AsSpan<float>().ToArray(), Is.EqualTo(original[name]), name);
        }
    }

    [Test]
    public void A_truncated_checkpoint_is_rejected_with_the_file_name()
    {
        var (model, adam, x) = Trained();
        using (model) using (adam) using (x)
        {
            string path = Path.Combine(_dir, "model.safetensors");
            Checkpoint.Save(path, model);
            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length - 17)]);
            var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, _device));
            Assert.That(e!.Message, Does.Contain(path));
        }
    }

    [Test]
    public void A_checkpoint_missing_a_tensor_names_it()
    {
        var (model, adam, x) = Trained();
        using (model) using (adam) using (x)
        {
            string path = Path.Combine(_dir, "model.safetensors");
            Checkpoint.Save(path, model);
            var content = SafeTensorsFile.Read(path);
            SafeTensorsFile.Write(path, content.TensorsInOrder.Where(t => t.Name != "dense_1.bias"), content.Metadata);
            var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, _device));
            Assert.That(e!.Message, Does.Contain("dense_1.bias").And.Contain(path));
        }
    }

    [Test]
    public void A_safetensors_file_that_is_not_a_checkpoint_is_rejected()
    {
        string path = Path.Combine(_dir, "other.safetensors");
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("w", [2], [1f, 2f])]);
        var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, _device));
        Assert.That(e!.Message, Does.Contain("not a NativeCnn checkpoint"));
    }
}
