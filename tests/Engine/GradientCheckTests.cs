using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Diagnostics;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Tests.Engine;

/// <summary>Float64 central-difference checks of every layer's backward pass, w.r.t. the input and every parameter.</summary>
public class GradientCheckTests
{
    private static readonly CpuDevice Device = new();

    public static IEnumerable<TestCaseData> Layers()
    {
        // Odd sizes everywhere: 5x7 images, 3 channels, batch 3.
        yield return Case("Conv2D 3x3 same", () => new Conv2D("c", 4, (3, 3), (1, 1), Padding.Same, ActivationFunction.Linear), [3, 5, 7]);
        yield return Case("Conv2D 3x3 valid", () => new Conv2D("c", 4, (3, 3), (1, 1), Padding.Valid, ActivationFunction.Linear), [3, 5, 7]);
        yield return Case("Conv2D 5x5 same", () => new Conv2D("c", 2, (5, 5), (1, 1), Padding.Same, ActivationFunction.Linear), [2, 6, 5]);
        yield return Case("Conv2D 3x2 stride 2 same", () => new Conv2D("c", 3, (3, 2), (2, 2), Padding.Same, ActivationFunction.Linear), [2, 7, 6]);
        yield return Case("Conv2D 3x3 stride (2,1) valid", () => new Conv2D("c", 3, (3, 3), (2, 1), Padding.Valid, ActivationFunction.Linear), [2, 7, 6]);
        yield return Case("Conv2D relu", () => new Conv2D("c", 4, (3, 3), (1, 1), Padding.Same, ActivationFunction.Relu), [3, 5, 7]);
        yield return Case("Conv2D no bias", () => new Conv2D("c", 3, (1, 1), (1, 1), Padding.Valid, ActivationFunction.Linear, useBias: false), [2, 3, 3]);
        yield return Case("Dense", () => new Dense("d", 5, ActivationFunction.Linear), [7]);
        yield return Case("Dense relu", () => new Dense("d", 6, ActivationFunction.Relu), [9]);
        yield return Case("Dense softmax", () => new Dense("d", 4, ActivationFunction.Softmax), [5]);
        yield return Case("BatchNormalization conv", () => new BatchNormalization("b"), [3, 5, 7]);
        yield return Case("BatchNormalization dense", () => new BatchNormalization("b"), [7]);
        yield return Case("MaxPooling2D 2x2", () => new MaxPooling2D("p", (2, 2)), [3, 5, 7]);
        yield return Case("MaxPooling2D 3x3 stride 2", () => new MaxPooling2D("p", (3, 3), (2, 2)), [2, 7, 7]);
        yield return Case("Dropout 0.3", () => new Dropout("r", 0.3), [3, 5, 7]);
        yield return Case("Flatten", () => new Flatten("f"), [3, 5, 7]);
        yield return Case("Activation relu", () => new ActivationLayer("a", ActivationFunction.Relu), [3, 5, 7]);
        yield return Case("Activation softmax", () => new ActivationLayer("a", ActivationFunction.Softmax), [6]);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] shape) => new TestCaseData(make, shape).SetName("Gradient check: " + name);

    [TestCaseSource(nameof(Layers))]
    public void Backward_matches_central_differences(Func<Layer> make, int[] inputShape)
    {
        using var layer = make();
        var results = new GradientChecker().CheckLayer(Device, layer, inputShape, batch: 3);
        int expected = 1 + layer.Parameters.Count(p => p.Trainable);
        Assert.That(results, Has.Count.EqualTo(expected));
        foreach (var r in results)
            Assert.That(r.Passed, Is.True, $"{r.Layer}.{r.Tensor}: max abs {r.MaxAbsoluteError:E2}, rel {r.MaxRelativeError:E2}");
    }

    [Test]
    public void Softmax_cross_entropy_gradient_matches_central_differences()
    {
        var r = new GradientChecker().CheckLoss(Device, batch: 5, classes: 7);
        Assert.That(r.Passed, Is.True, $"max abs {r.MaxAbsoluteError:E2}");
    }

    /// <summary>The checker must catch a wrong backward: perturb the input gradient or one parameter gradient by 1e-4.</summary>
    [TestCaseSource(nameof(Layers))]
    public void A_perturbed_backward_pass_fails_the_check(Func<Layer> make, int[] inputShape)
    {
        using var layer = make();
        var checker = new GradientChecker
        {
            MaxElementsPerTensor = int.MaxValue,
            AfterBackward = (l, dx) =>
            {
                var target = l.Parameters.FirstOrDefault(p => p.Trainable)?.Gradient ?? dx!;
                var host = new double[target.Length];
                Device.Download<double>(target, host);
                host[host.Length / 2] += 1e-4;
                Device.Upload<double>(target, host);
            },
        };
        var results = checker.CheckLayer(Device, layer, inputShape, batch: 3);
        Assert.That(results.Any(r => !r.Passed), Is.True, "a gradient off by 1e-4 went unnoticed");
    }
}
