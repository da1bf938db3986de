using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Diagnostics;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>
/// Keras kernel_regularizer=l2(λ): the architecture key, the penalty λ·Σw² in the loss, and its
/// gradient 2λ·w, which must reach the kernels only (never biases or BatchNormalization).
/// </summary>
public class L2RegularizationTests
{
    private static readonly CpuDevice Device = new();

    private static string Tiny(string convRegularizer = "", string denseRegularizer = "") => $$"""
        { "name": "tiny", "input_shape": [9, 7, 2], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same"{{convRegularizer}} },
            { "type": "BatchNormalization" }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 },
            { "type": "Conv2D", "filters": 3, "kernel_size": 2, "activation": "relu" },
            { "type": "Flatten" }, { "type": "Dense", "units": 5, "activation": "relu"{{denseRegularizer}} },
            { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    private static Sequential Build(string json, DType dtype = DType.Float64, ulong seed = 3) =>
        Sequential.Build(ArchitectureSpec.Parse(json, "tiny.json"), Device, dtype, seed);

    private static double[] Read(Tensor t) => t.DType == DType.Float64
        ? t.AsSpan<double>().ToArray()
        : Array.ConvertAll(t.AsSpan<float>().ToArray(), v => (double)v);

    [Test]
    public void The_architecture_key_sets_the_kernel_regularizer()
    {
        using var model = Build(Tiny(""", "kernel_regularizer": {"l2": 0.001}""", """, "kernel_regularizer": null"""));
        var kernels = model.Layers.OfType<IKernelRegularizable>().ToList();
        Assert.That(kernels, Has.Count.EqualTo(4));
        Assert.That(kernels[0].KernelRegularizer!.L2, Is.EqualTo(0.001));
        Assert.That(kernels.Skip(1).Select(k => k.KernelRegularizer), Is.All.Null, "absent or null means none, as in Keras");
    }

    [TestCase("\"l2\"", "must be {\"l2\": factor}")]
    [TestCase("{\"l1\": 0.01}", "unknown key(s) 'l1'")]
    [TestCase("{\"l2\": 0.01, \"l1\": 0.01}", "unknown key(s) 'l1'")]
    [TestCase("{\"l2\": -0.5}", ">= 0")]
    [TestCase("{\"l2\": \"big\"}", "must be {\"l2\": factor}")]
    [TestCase("{}", "must be {\"l2\": factor}")]
    [TestCase("{\"l2\": 1e999}", "finite")]
    public void A_bad_kernel_regularizer_names_the_file_layer_and_key(string value, string expected)
    {
        var e = Assert.Throws<ModelFormatException>(() => Build(Tiny(denseRegularizer: $", \"kernel_regularizer\": {value}")));
        Assert.That(e!.Message, Does.StartWith("tiny.json: layers[6] (Dense): 'kernel_regularizer'").And.Contain(expected));
    }

    [Test]
    public void Batch_normalization_takes_no_kernel_regularizer()
    {
        string json = Tiny().Replace("""{ "type": "BatchNormalization" }""", """{ "type": "BatchNormalization", "kernel_regularizer": {"l2": 0.1} }""");
        var e = Assert.Throws<ModelFormatException>(() => Build(json));
        Assert.That(e!.Message, Does.Contain("layers[1] (BatchNormalization)").And.Contain("unknown argument(s) 'kernel_regularizer'"));
    }

    [Test]
    public void L2_factor_must_be_finite_and_not_negative()
    {
        Assert.Throws<ArgumentException>(() => new L2Regularizer(-1e-9));
        Assert.Throws<ArgumentException>(() => new L2Regularizer(double.NaN));
        Assert.Throws<ArgumentException>(() => new L2Regularizer(double.PositiveInfinity));
        Assert.That(new L2Regularizer(0).IsZero, Is.True);
    }

    [Test]
    public void The_model_penalty_is_the_sum_of_lambda_times_squared_kernel_weights()
    {
        using var model = Build(Tiny(""", "kernel_regularizer": {"l2": 0.002}""", """, "kernel_regularizer": {"l2": 0.03}"""));
        double expected = 0;
        foreach (var layer in model.Layers)
            if (layer is IKernelRegularizable { KernelRegularizer: { } r })
                expected += r.L2 * Read(layer.Parameters.Single(p => p.Name == "kernel").Value).Sum(w => w * w);
        Assert.That(expected, Is.GreaterThan(0));
        Assert.That(model.RegularizationLoss(), Is.EqualTo(expected).Within(1e-14 * expected));
    }

    [Test]
    public void Default_regularizer_goes_only_to_kernels_without_their_own()
    {
        using var model = Build(Tiny(""", "kernel_regularizer": {"l2": 0}""", """, "kernel_regularizer": {"l2": 0.03}"""));
        int given = model.SetDefaultKernelRegularizer(new L2Regularizer(0.5));
        var l2 = model.Layers.OfType<IKernelRegularizable>().Select(k => k.KernelRegularizer!.L2).ToArray();
        Assert.That(given, Is.EqualTo(2));
        Assert.That(l2, Is.EqualTo(new[] { 0, 0.5, 0.03, 0.5 }), "explicit l2(0) opts a kernel out of the default");
    }

    [TestCase("Conv2D"), TestCase("Dense")]
    public void Backward_adds_exactly_two_lambda_w_to_the_kernel_gradient_and_nothing_else(string type)
    {
        const double lambda = 0.25;
        Layer Create(L2Regularizer? r) => type == "Conv2D"
            ? new Conv2D(3, (3, 3), (1, 1), Padding.Same, ActivationFunction.Relu, kernelRegularizer: r, name: "conv2d")
            : new Dense(4, ActivationFunction.Relu, kernelRegularizer: r, name: "dense");
        int[] inputShape = type == "Conv2D" ? [2, 5, 7] : [6];
        Dictionary<string, double[]> Gradients(Layer layer)
        {
            layer.Build(Device, DType.Float64, inputShape, 0, seed: 9);
            using var x = Device.Allocate(DType.Float64, [3, .. inputShape]);
            Device.Upload<double>(x, RandomData.Doubles((int)x.Length, 1));
            var y = layer.Forward(x, new ForwardContext(true, 1, 1));
            using var dy = Device.Allocate(DType.Float64, y.ShapeArray());
            Device.Upload<double>(dy, RandomData.Doubles((int)dy.Length, 2));
            layer.Backward(dy, needInputGradient: false);
            return layer.Parameters.ToDictionary(p => p.Name, p => Read(p.Gradient!));
        }
        using var plainLayer = Create(null);
        using var regularizedLayer = Create(new L2Regularizer(lambda));
        var plain = Gradients(plainLayer);
        var regularized = Gradients(regularizedLayer);
        double[] w = Read(regularizedLayer.Parameters.Single(p => p.Name == "kernel").Value);
        for (int i = 0; i < w.Length; i++)
            Assert.That(regularized["kernel"][i] - plain["kernel"][i], Is.EqualTo(2 * lambda * w[i]).Within(1e-14), $"kernel[{i}]");
        Assert.That(regularized["bias"], Is.EqualTo(plain["bias"]), "the bias is never regularised");
    }

    /// <summary>The suite's l2 cases pass (GradientCheckTests), and they would catch a backward pass without the 2λ·w term.</summary>
    [TestCase("Conv2D 3x3 same relu l2"), TestCase("Dense relu l2")]
    public void The_gradient_check_fails_when_the_penalty_term_is_left_out(string name)
    {
        var testCase = GradientCheckSuite.Cases.Single(c => c.Name == name);
        Assert.That(GradientCheckSuite.Run(Device, testCase).All(r => r.Passed), Is.True, "as implemented");
        var checker = new GradientChecker
        {
            AfterBackward = (layer, _) =>
            {
                var kernel = layer.Parameters.Single(p => p.Name == "kernel");
                Device.AddScaled(kernel.Gradient!, kernel.Value, -2 * GradientCheckSuite.L2Factor);
            },
        };
        var results = GradientCheckSuite.Run(Device, testCase, checker);
        Assert.That(results.Single(r => r.Tensor == "kernel").Passed, Is.False, "kernel gradient without 2λ·w");
        Assert.That(results.Where(r => r.Tensor != "kernel").All(r => r.Passed), Is.True, "input and bias gradients unaffected");
    }

    [Test]
    public void Every_gradient_of_a_regularised_model_matches_central_differences_of_loss_plus_penalty()
    {
        using var model = Build(Tiny(""", "kernel_regularizer": {"l2": 0.2}""", """, "kernel_regularizer": {"l2": 0}"""));
        model.SetDefaultKernelRegularizer(new L2Regularizer(0.1));
        const int n = 4;
        using var x = Device.Allocate(DType.Float64, n, 2, 9, 7);
        Device.Upload<double>(x, RandomData.Doubles(n * 2 * 9 * 7, 1));
        using var y = Device.Allocate(DType.Int32, n);
        Device.Upload<int>(y, new[] { 0, 2, 1, 2 });
        using var loss = new SoftmaxCrossEntropyLoss();
        var context = new ForwardContext(true, 5, 2);
        double Loss() => loss.Compute(model.ForwardLogits(x, context), y, computeGradient: false).MeanLoss + model.RegularizationLoss();

        loss.Compute(model.ForwardLogits(x, context), y, computeGradient: true);
        model.Backward(loss.Gradient);
        foreach (var p in model.Parameters.Where(p => p.Trainable))
        {
            double[] analytic = Read(p.Gradient!), values = Read(p.Value);
            for (int i = 0; i < values.Length; i += Math.Max(1, values.Length / 7))
            {
                double original = values[i];
                values[i] = original + 1e-5; Device.Upload<double>(p.Value, values); double plus = Loss();
                values[i] = original - 1e-5; Device.Upload<double>(p.Value, values); double minus = Loss();
                values[i] = original; Device.Upload<double>(p.Value, values);
                double numeric = (plus - minus) / 2e-5;
                Assert.That(analytic[i], Is.EqualTo(numeric).Within(1e-6 * Math.Max(1, Math.Abs(numeric))), $"{p.FullName}[{i}]");
            }
        }
    }

    [Test]
    public void One_sgd_step_shrinks_each_kernel_by_lr_times_two_lambda_w_and_leaves_the_rest_alone()
    {
        const double lr = 0.1, lambda = 0.05;
        Dictionary<string, double[]> Step(bool regularised, out Dictionary<string, double[]> before)
        {
            using var model = Build(Tiny(), DType.Float32, seed: 4);
            if (regularised) model.SetDefaultKernelRegularizer(new L2Regularizer(lambda));
            before = model.Parameters.ToDictionary(p => p.FullName, p => Read(p.Value));
            using var x = Device.Allocate(DType.Float32, 5, 2, 9, 7);
            Device.Upload<float>(x, RandomData.Floats(5 * 2 * 9 * 7, 8));
            using var y = Device.Allocate(DType.Int32, 5);
            Device.Upload<int>(y, new[] { 2, 0, 1, 1, 0 });
            using var loss = new SoftmaxCrossEntropyLoss();
            using var sgd = new Sgd(lr);
            loss.Compute(model.ForwardLogits(x, new ForwardContext(true, 1, 0)), y, computeGradient: true);
            model.Backward(loss.Gradient);
            sgd.Step(model.Parameters);
            return model.Parameters.ToDictionary(p => p.FullName, p => Read(p.Value));
        }
        var plain = Step(false, out var initial);
        var decayed = Step(true, out _);
        foreach (var (name, w0) in initial)
        {
            if (!name.EndsWith(".kernel"))
            {
                Assert.That(decayed[name], Is.EqualTo(plain[name]), name + " is not regularised");
                continue;
            }
            for (int i = 0; i < w0.Length; i++)
                Assert.That(decayed[name][i] - plain[name][i], Is.EqualTo(-lr * 2 * lambda * w0[i]).Within(1e-6), $"{name}[{i}]");
        }
    }
}
