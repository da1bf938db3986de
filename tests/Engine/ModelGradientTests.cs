using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>Layers composed into a model: the loss gradient w.r.t. every parameter tensor matches central differences (catches buffer aliasing between layers that single-layer checks cannot).</summary>
public class ModelGradientTests
{
    private const string Architecture = """
        { "name": "tiny", "input_shape": [9, 7, 2], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same" },
            { "type": "BatchNormalization" }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Dropout", "rate": 0.25 },
            { "type": "Conv2D", "filters": 3, "kernel_size": 2, "activation": "relu" },
            { "type": "Flatten" }, { "type": "Dense", "units": 5 }, { "type": "BatchNormalization" },
            { "type": "Activation", "activation": "relu" }, { "type": "Dropout", "rate": 0.5 },
            { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    // Keras' separate-activation style: the model fuses each Conv2D -> Activation("relu") pair into the convolution
    // (and, in Architecture above, each BatchNormalization -> Activation("relu") pair into the normalisation).
    private const string SeparateActivations = """
        { "name": "tiny-separate", "input_shape": [9, 7, 2], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same" },
            { "type": "Activation", "activation": "relu" }, { "type": "BatchNormalization" },
            { "type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "same" },
            { "type": "Activation", "activation": "relu" }, { "type": "MaxPooling2D", "pool_size": 2 },
            { "type": "Flatten" }, { "type": "Dense", "units": 3 }, { "type": "Activation", "activation": "softmax" } ] }
        """;

    [TestCase(Architecture)]
    [TestCase(SeparateActivations)]
    public void Every_parameter_gradient_of_a_small_model_matches_central_differences(string architecture)
    {
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Parse(architecture, "tiny"), device, DType.Float64, seed: 3);
        const int n = 4;
        using var x = device.Allocate(DType.Float64, n, 2, 9, 7);
        device.Upload<double>(x, RandomData.Doubles(n * 2 * 9 * 7, 1));
        using var y = device.Allocate(DType.Int32, n);
        device.Upload<int>(y, new[] { 0, 2, 1, 2 });
        using var loss = new SoftmaxCrossEntropyLoss();
        var context = new ForwardContext(true, 5, 2);
        double Loss() => loss.Compute(model.ForwardLogits(x, context), y, computeGradient: false).MeanLoss;

        loss.Compute(model.ForwardLogits(x, context), y, computeGradient: true);
        model.Backward(loss.Gradient);
        var analytic = model.Parameters.Where(p => p.Trainable).ToDictionary(p => p.FullName, p => Download(device, p.Gradient!));
        foreach (var p in model.Parameters.Where(p => p.Trainable))
        {
            double[] values = Download(device, p.Value);
            for (int i = 0; i < values.Length; i += Math.Max(1, values.Length / 7))
            {
                double original = values[i];
                values[i] = original + 1e-5; device.Upload<double>(p.Value, values); double plus = Loss();
                values[i] = original - 1e-5; device.Upload<double>(p.Value, values); double minus = Loss();
                values[i] = original; device.Upload<double>(p.Value, values);
                double numeric = (plus - minus) / 2e-5, a = analytic[p.FullName][i];
                Assert.That(a, Is.EqualTo(numeric).Within(1e-6 * Math.Max(1, Math.Abs(numeric))), $"{p.FullName}[{i}]");
            }
        }
    }

    private static double[] Download(CpuDevice device, Tensor t)
    {
        var a = new double[t.Length];
        device.Download<double>(t, a);
        return a;
    }
}
