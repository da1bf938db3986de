using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Models;

/// <summary>Models built in code, Keras style, against the same models built from their architecture files.</summary>
public class SequentialInCodeTests
{
    private static readonly CpuDevice Device = new();
    private static readonly string[] FerClasses = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    /// <summary>models/seed001-shallow.json, written as C#.</summary>
    internal static Sequential Seed001Shallow() => new Sequential(inputShape: (48, 48, 1), FerClasses, "seed001-shallow")
        .Add(new Conv2D(32, 3, padding: Padding.Same)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
        .Add(new MaxPooling2D(2)).Add(new Dropout(0.25))
        .Add(new Conv2D(64, 3, padding: Padding.Same)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
        .Add(new MaxPooling2D(2)).Add(new Dropout(0.25))
        .Add(new Flatten()).Add(new Dense(512)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu)).Add(new Dropout(0.5))
        .Add(new Dense(7, ActivationFunction.Softmax));

    [Test]
    public void Seed001_shallow_built_in_code_equals_the_architecture_file()
    {
        using var fromFile = Sequential.Build(ArchitectureSpec.Load(RepositoryPaths.Model("seed001-shallow")), Device, seed: 7);
        using var inCode = Seed001Shallow().Build(Device, seed: 7);

        Assert.That(ModelSummary.Format(inCode), Is.EqualTo(ModelSummary.Format(fromFile)));
        Assert.That(inCode.Parameters.Select(p => p.FullName), Is.EqualTo(fromFile.Parameters.Select(p => p.FullName)));
        foreach (var (a, b) in inCode.Parameters.Zip(fromFile.Parameters))
            Assert.That(a.Value.AsSpan<float>().ToArray(), Is.EqualTo(b.Value.AsSpan<float>().ToArray()), a.FullName);

        using var x = Device.Allocate(DType.Float32, 3, 1, 48, 48);
        Device.Upload<float>(x, RandomData.Floats(3 * 48 * 48, 11).Select(v => (v + 1) / 2).ToArray());
        float[] expected = fromFile.Predict(x).AsSpan<float>().ToArray();
        Assert.That(inCode.Predict(x).AsSpan<float>().ToArray(), Is.EqualTo(expected), "bit-identical probabilities");
    }

    [Test]
    public void Unnamed_layers_get_keras_names_counted_per_type()
    {
        using var model = Seed001Shallow().Build(Device);
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[]
        {
            "conv2d_1", "batch_normalization_1", "activation_1", "max_pooling2d_1", "dropout_1",
            "conv2d_2", "batch_normalization_2", "activation_2", "max_pooling2d_2", "dropout_2",
            "flatten_1", "dense_1", "batch_normalization_3", "activation_3", "dropout_3", "dense_2",
        }));
    }

    [Test]
    public void A_code_built_model_round_trips_through_its_checkpoint()
    {
        string folder = Path.Combine(Path.GetTempPath(), "nativecnn-code-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var model = new Sequential((9, 7, 1), ["a", "b", "c"], "tiny")
                .Add(new Conv2D(3, (3, 2), strides: (2, 1), padding: Padding.Same, activation: ActivationFunction.Relu, name: "stem"))
                .Add(new MaxPooling2D((2, 1))).Add(new Flatten())
                .Add(new Dense(3, ActivationFunction.Softmax, useBias: false, kernelRegularizer: new NativeCnn.Engine.Regularizers.L2Regularizer(0.01)))
                .Build(Device, seed: 3);
            string path = Path.Combine(folder, "model.safetensors");
            Checkpoint.Save(path, model);
            using var loaded = Checkpoint.Load(path, Device);
            Assert.That(ModelSummary.Format(loaded.Model), Is.EqualTo(ModelSummary.Format(model)));
            var dense = (Dense)loaded.Model.Layers[^1];
            Assert.That((dense.UseBias, dense.KernelRegularizer?.L2, dense.Name), Is.EqualTo((false, (double?)0.01, "dense_1")));
            var conv = (Conv2D)loaded.Model.Layers[0];
            Assert.That((conv.Name, conv.KernelSize, conv.Strides, conv.Padding), Is.EqualTo(("stem", (3, 2), (2, 1), Padding.Same)));

            using var x = Device.Allocate(DType.Float32, 2, 1, 9, 7);
            Device.Upload<float>(x, RandomData.Floats(2 * 63, 5));
            Assert.That(loaded.Model.Predict(x).AsSpan<float>().ToArray(), Is.EqualTo(model.Predict(x).AsSpan<float>().ToArray()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Misuse_is_reported_with_the_model_and_layer()
    {
        var twice = new Sequential((8, 8, 1), ["a", "b"]).Add(new Flatten("x"));
        Assert.That(() => twice.Add(new Dense(2, name: "x")), Throws.ArgumentException.With.Message.Contains("two layers are named 'x'"));

        var wrongOutput = new Sequential((8, 8, 1), ["a", "b"], "three-out").Add(new Flatten()).Add(new Dense(3));
        Assert.That(() => wrongOutput.Build(Device), Throws.TypeOf<ModelFormatException>()
            .With.Message.Contains("model 'three-out' (built in code)").And.Message.Contains("outputs [3] but there are 2 classes"));

        using var built = new Sequential((8, 8, 1), ["a", "b"]).Add(new Flatten()).Add(new Dense(2)).Build(Device);
        Assert.That(() => built.Add(new Dense(2)), Throws.InvalidOperationException.With.Message.Contains("is built"));
        Assert.That(() => new Dense(0), Throws.ArgumentException.With.Message.Contains("Dense: units must be positive, got 0"));
        Assert.That(() => new Sequential((8, 8, 1), ["a", "b"]).Spec, Throws.InvalidOperationException.With.Message.Contains("not built"));
    }
}
