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

    public static IEnumerable<TestCaseData> Layers() =>
        GradientCheckSuite.Cases.Select(c => new TestCaseData(c).SetName("Gradient check: " + c.Name));

    [TestCaseSource(nameof(Layers))]
    public void Backward_matches_central_differences(GradientCheckCase testCase)
    {
        var results = GradientCheckSuite.Run(Device, testCase);
        using var probe = testCase.Create();
        int expected = 1 + ParameterCount(probe, testCase);
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
    public void A_perturbed_backward_pass_fails_the_check(GradientCheckCase testCase)
    {
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
        var results = GradientCheckSuite.Run(Device, testCase, checker);
        Assert.That(results.Any(r => !r.Passed), Is.True, "a gradient off by 1e-4 went unnoticed");
    }

    private static int ParameterCount(Layer unbuilt, GradientCheckCase testCase)
    {
        unbuilt.Build(Device, DType.Float64, testCase.InputShape, 0, 1);
        return unbuilt.Parameters.Count(p => p.Trainable);
    }
}
