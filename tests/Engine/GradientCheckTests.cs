using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Diagnostics;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

/// <summary>Float64 central-difference checks of every layer's backward pass (w.r.t. the input and every parameter) and
/// of the loss, on every device: the same kernels in float64.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class GradientCheckTests(string device) : DeviceFixture(device)
{
    public static IEnumerable<TestCaseData> Layers() =>
        GradientCheckSuite.Cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Layers))]
    public void Backward_matches_central_differences(GradientCheckCase testCase)
    {
        RequireFloat64();
        var results = GradientCheckSuite.Run(Device, testCase);
        using var probe = testCase.Create();
        probe.Build(Device, DType.Float64, testCase.InputShape, 0, 1);
        Assert.That(results, Has.Count.EqualTo(1 + probe.Parameters.Count(p => p.Trainable)), "the input and every trainable parameter");
        foreach (var r in results)
            Assert.That(r.Passed, Is.True, $"{r.Layer}.{r.Tensor}: max abs {r.MaxAbsoluteError:E2}, rel {r.MaxRelativeError:E2}");
    }

    [Test]
    public void Softmax_cross_entropy_gradient_matches_central_differences()
    {
        RequireFloat64();
        var r = new GradientChecker().CheckLoss(Device, batch: 5, classes: 7);
        Assert.That(r.Passed, Is.True, $"max abs {r.MaxAbsoluteError:E2}");
    }

    [Test]
    public void Class_weighted_loss_gradient_matches_central_differences()
    {
        RequireFloat64();
        var r = new GradientChecker().CheckLoss(Device, batch: 5, classes: 7, [1.03, 9.41, 0.2, 0.57, 0.85, 1.29, 0.83]);
        Assert.That(r.Passed, Is.True, $"max abs {r.MaxAbsoluteError:E2}");
    }
}

/// <summary>The gradient checker itself must catch a wrong backward pass.</summary>
public class GradientCheckerTests
{
    private static Device Cpu => TestDevices.Require(TestDevices.Cpu);

    public static IEnumerable<TestCaseData> Layers() => GradientCheckTests.Layers();

    /// <summary>Perturb the input gradient or one parameter gradient by 1e-4: the check must fail.</summary>
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
                Cpu.Download<double>(target, host);
                host[host.Length / 2] += 1e-4;
                Cpu.Upload<double>(target, host);
            },
        };
        var results = GradientCheckSuite.Run(Cpu, testCase, checker);
        Assert.That(results.Any(r => !r.Passed), Is.True, "a gradient off by 1e-4 went unnoticed");
    }
}
