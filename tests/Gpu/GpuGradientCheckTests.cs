using NativeCnn.Engine.Diagnostics;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// The float64 central-difference checks of every layer and of the loss, run on the GPU: the same
/// kernels compiled with real = double (OpenCL needs cl_khr_fp64, which PoCL on x86 has).
/// </summary>
public class GpuGradientCheckTests(string backend) : GpuTestBase(backend)
{
    public static IEnumerable<TestCaseData> Layers() =>
        GradientCheckSuite.Cases.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private void RequireFloat64()
    {
        if (!Gpu.SupportsFloat64) Assert.Ignore($"{Gpu.Name} has no float64 support (cl_khr_fp64)");
    }

    [TestCaseSource(nameof(Layers))]
    public void Backward_matches_central_differences_in_float64(GradientCheckCase testCase)
    {
        RequireFloat64();
        var results = GradientCheckSuite.Run(Gpu, testCase);
        Assert.That(results, Is.Not.Empty);
        foreach (var r in results)
            Assert.That(r.Passed, Is.True, $"{r.Layer}.{r.Tensor}: max abs {r.MaxAbsoluteError:E2}, rel {r.MaxRelativeError:E2}");
    }

    [Test]
    public void Softmax_cross_entropy_gradient_matches_central_differences_in_float64()
    {
        RequireFloat64();
        var r = new GradientChecker().CheckLoss(Gpu, batch: 5, classes: 7);
        Assert.That(r.Passed, Is.True, $"max abs {r.MaxAbsoluteError:E2}");
    }
}
