using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>
/// Conv2D forward, data, kernel and bias gradients, with and without the fused ReLU, on every device (the CPU twice:
/// with Winograd where it applies, and im2col only) against the direct seven-loop reference, on random data.
/// </summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.AllWithIm2Col))]
public class ConvolutionTests(string device) : DeviceFixture(device)
{
    // (N, C, H, W, O, KH, KW, stride, padding): odd sizes, 1x1 and non-square kernels, strides, a single image, a first
    // layer (one channel, fewer patch rows than filters), and layers the CPU runs with Winograd F(2x2, 3x3).
    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(1, 1, 1, 1, 1, 1, 1, 1, Padding.Valid);
        yield return new TestCaseData(1, 1, 7, 9, 2, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(3, 2, 11, 8, 5, 3, 3, 2, Padding.Same);
        yield return new TestCaseData(5, 3, 9, 9, 4, 5, 5, 1, Padding.Valid);
        yield return new TestCaseData(3, 4, 10, 7, 3, 3, 2, 2, Padding.Valid);
        yield return new TestCaseData(4, 3, 10, 13, 4, 3, 3, 3, Padding.Valid);
        yield return new TestCaseData(2, 33, 6, 6, 17, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(5, 1, 12, 10, 16, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(5, 16, 12, 12, 24, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(3, 20, 11, 13, 17, 3, 3, 1, Padding.Valid);
    }

    // Sized for the CPU's batch folding: groups of images that split unevenly across cores (48x48x16), and one image
    // per core with a column matrix larger than L2. The GPU kernels have no groups; these would only be slow there.
    public static IEnumerable<TestCaseData> LargeCases()
    {
        yield return new TestCaseData(17, 16, 48, 48, 8, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(1, 64, 46, 46, 5, 3, 3, 1, Padding.Same);
        yield return new TestCaseData(2, 40, 31, 37, 6, 3, 3, 1, Padding.Valid);
        yield return new TestCaseData(3, 64, 10, 9, 16, 3, 3, 1, Padding.Same);
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_and_backward_match_the_reference(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding) =>
        Check(n, c, h, w, o, kh, kw, stride, padding, relu: false);

    [TestCaseSource(nameof(Cases))]
    public void Fused_relu_matches_the_reference(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding) =>
        Check(n, c, h, w, o, kh, kw, stride, padding, relu: true);

    [TestCaseSource(nameof(LargeCases))]
    public void Large_layers_match_the_reference_on_the_cpu(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding)
    {
        if (DeviceName is not (TestDevices.Cpu or TestDevices.CpuIm2Col))
            Assert.Ignore("sized for the CPU's im2col grouping across cores; the other devices have no such grouping and run the small cases");
        Check(n, c, h, w, o, kh, kw, stride, padding, relu: true);
    }

    private void Check(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding, bool relu)
    {
        var g = Conv2DGeometry.Create(n, c, h, w, o, kh, kw, stride, stride, padding);
        int[] yShape = [n, o, g.OutHeight, g.OutWidth];
        var (x, rx) = Pair(RandomData.Floats(n * c * h * w, 1), n, c, h, w);
        var (k, rk) = Pair(RandomData.Floats(o * c * kh * kw, 2), o, c, kh, kw);
        var (b, rb) = Pair(RandomData.Floats(o, 3), o);
        var (y, ry) = Outputs(DType.Float32, yShape);
        Device.Conv2DForward(x, k, b, y, g, relu);
        Oracle.Conv2DForward(rx, rk, rb, ry, g, relu);
        double tolerance = 2e-5 * Math.Sqrt(g.PatchSize);
        AssertMatches(y, ry, tolerance, relu ? "relu(conv + bias)" : "conv + bias");
        if (relu && n * o * g.OutPixels > 20)
            Assert.That(Read<float>(ry).Count(v => v == 0), Is.InRange(1, n * o * g.OutPixels - 1), "the ReLU clips some outputs, not all");

        // Both backward passes mask with the oracle's output, so a rounding-level sign difference cannot flip a mask bit.
        var yOracle = relu ? Make(Device, Read<float>(ry), yShape) : null;
        var (dy, rdy) = Pair(RandomData.Floats(n * o * g.OutPixels, 4), yShape);
        var (dx, rdx) = Outputs(DType.Float32, n, c, h, w);
        var (dk, rdk) = Outputs(DType.Float32, o, c, kh, kw);
        var (db, rdb) = Outputs(DType.Float32, o);
        Device.Conv2DBackward(x, k, dy, dx, dk, db, g, yOracle);
        Oracle.Conv2DBackward(rx, rk, rdy, rdx, rdk, rdb, g, relu ? ry : null);
        double sumTolerance = 2e-5 * Math.Sqrt(n * g.OutPixels);
        AssertMatches(dx, rdx, tolerance, "dx");
        AssertMatches(dk, rdk, sumTolerance, "dKernel");
        AssertMatches(db, rdb, sumTolerance, "dBias");

        // The first layer's form: no input gradient, no bias (with plain dy: a fused ReLU may have masked dy in place).
        if (relu) return;
        Device.Fill(dk, double.NaN);
        Device.Conv2DBackward(x, k, dy, null, dk, null, g);
        AssertMatches(dk, rdk, sumTolerance, "dKernel without dx");
        Device.Conv2DForward(x, k, null, y, g);
        Oracle.Conv2DForward(rx, rk, null, ry, g);
        AssertMatches(y, ry, tolerance, "conv without bias");
    }
}

/// <summary>The CPU device's choice of convolution algorithm (Winograd or im2col), not the math.</summary>
public class ConvolutionCpuAlgorithmTests
{
    [Test]
    public void The_im2col_device_runs_another_algorithm_with_the_same_results()
    {
        var g = Conv2DGeometry.Create(4, 16, 12, 12, 16, 3, 3, 1, 1, Padding.Same);
        Assert.That(Winograd.Applies(g), "the default device takes Winograd for this layer");
        float[] x = RandomData.Floats(4 * 16 * 144, 51), k = RandomData.Floats(16 * 16 * 9, 52);
        float[] Run(Device device)
        {
            using var tx = device.Allocate(DType.Float32, 4, 16, 12, 12);
            using var tk = device.Allocate(DType.Float32, 16, 16, 3, 3);
            using var ty = device.Allocate(DType.Float32, 4, 16, 12, 12);
            device.Upload<float>(tx, x);
            device.Upload<float>(tk, k);
            device.Conv2DForward(tx, tk, null, ty, g);
            var result = new float[ty.Length];
            device.Download<float>(ty, result);
            return result;
        }
        float[] winograd = Run(TestDevices.Require(TestDevices.Cpu)), direct = Run(TestDevices.Require(TestDevices.CpuIm2Col));
        RandomData.AssertClose(winograd, direct, 1e-4, "Winograd against im2col");
        Assert.That(winograd.SequenceEqual(direct), Is.False, "different algorithms round differently");
    }
}
