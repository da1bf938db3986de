using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Devices.Cpu.Kernels;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Kernels;

/// <summary>The im2col + GEMM convolution against the direct seven-loop reference, float32, random data.</summary>
public class ConvolutionKernelTests
{
    private static readonly CpuDevice Device = new();

    // (N, C, H, W, O, KH, KW, stride, padding): odd sizes, 1x1 and non-square kernels, strides,
    // a single image, and batches whose im2col groups split unevenly across cores (48x48x16).
    [TestCase(1, 1, 1, 1, 1, 1, 1, 1, Padding.Valid)]
    [TestCase(3, 3, 7, 9, 5, 3, 3, 1, Padding.Same)]
    [TestCase(3, 3, 7, 9, 5, 3, 3, 1, Padding.Valid)]
    [TestCase(2, 4, 9, 8, 3, 5, 5, 1, Padding.Same)]
    [TestCase(5, 2, 11, 7, 6, 3, 2, 2, Padding.Same)]
    [TestCase(4, 3, 10, 13, 4, 3, 3, 3, Padding.Valid)]
    [TestCase(2, 33, 6, 6, 17, 3, 3, 1, Padding.Same)]
    [TestCase(17, 16, 48, 48, 8, 3, 3, 1, Padding.Same)]
    // One image per core with a column matrix larger than L2: the data gradient in pixel chunks that cut rows.
    [TestCase(1, 64, 46, 46, 5, 3, 3, 1, Padding.Same)]
    [TestCase(2, 40, 31, 37, 6, 3, 3, 1, Padding.Valid)]
    // A first layer: one channel, so fewer patch rows (9) than filters (16).
    [TestCase(5, 1, 12, 10, 16, 3, 3, 1, Padding.Same)]
    // Layers the device runs with Winograd F(2x2, 3x3), the kernel gradient included: odd, non-square and even maps.
    [TestCase(5, 16, 12, 12, 24, 3, 3, 1, Padding.Same)]
    [TestCase(3, 20, 11, 13, 17, 3, 3, 1, Padding.Valid)]
    [TestCase(2, 32, 23, 23, 16, 3, 3, 1, Padding.Same)]
    [TestCase(3, 64, 10, 9, 16, 3, 3, 1, Padding.Same)]
    public void Forward_and_backward_match_the_direct_reference(int n, int c, int h, int w, int o, int kh, int kw, int stride, Padding padding)
    {
        var g = Conv2DGeometry.Create(n, c, h, w, o, kh, kw, stride, stride, padding);
        float[] x = RandomData.Floats(n * c * h * w, 1), k = RandomData.Floats(o * c * kh * kw, 2), b = RandomData.Floats(o, 3);
        float[] dy = RandomData.Floats(n * o * g.OutPixels, 4);

        using var tx = Upload(x, n, c, h, w);
        using var tk = Upload(k, o, c, kh, kw);
        using var tb = Upload(b, o);
        using var ty = Device.Allocate(DType.Float32, n, o, g.OutHeight, g.OutWidth);
        Device.Conv2DForward(tx, tk, tb, ty, g);
        var expectedY = new float[ty.Length];
        ConvolutionReference.Forward<float>(x, k, b, expectedY, g);
        double tolerance = 2e-5 * Math.Sqrt(g.PatchSize);
        RandomData.AssertClose(ty.AsSpan<float>(), expectedY, tolerance, "forward");

        using var tdy = Upload(dy, n, o, g.OutHeight, g.OutWidth);
        using var tdx = Device.Allocate(DType.Float32, n, c, h, w);
        using var tdk = Device.Allocate(DType.Float32, o, c, kh, kw);
        using var tdb = Device.Allocate(DType.Float32, o);
        Device.Conv2DBackward(tx, tk, tdy, tdx, tdk, tdb, g);
        float[] edx = new float[x.Length], edk = new float[k.Length], edb = new float[o];
        ConvolutionReference.Backward<float>(x, k, dy, edx, edk, edb, g);
        double sumTolerance = 2e-5 * Math.Sqrt(n * g.OutPixels);
        RandomData.AssertClose(tdx.AsSpan<float>(), edx, tolerance, "backward data");
        RandomData.AssertClose(tdk.AsSpan<float>(), edk, sumTolerance, "backward filter");
        RandomData.AssertClose(tdb.AsSpan<float>(), edb, sumTolerance, "bias gradient");
    }

    // Groups of several images (the gather path) and one image per group (48x48x64: the in-place path).
    [TestCase(17, 16, 48, 48, 8, 1, Padding.Same)]
    [TestCase(3, 3, 7, 9, 5, 1, Padding.Valid)]
    [TestCase(2, 64, 48, 48, 4, 1, Padding.Same)]
    [TestCase(5, 2, 11, 7, 6, 2, Padding.Same)]
    // Winograd: the ReLU's mask is applied to dY before the transforms (kernel gradient by im2col, then by Winograd).
    [TestCase(3, 16, 10, 9, 16, 1, Padding.Same)]
    [TestCase(2, 64, 9, 8, 16, 1, Padding.Same)]
    public void Fused_relu_matches_the_reference_then_relu(int n, int c, int h, int w, int o, int stride, Padding padding)
    {
        var g = Conv2DGeometry.Create(n, c, h, w, o, 3, 3, stride, stride, padding);
        float[] x = RandomData.Floats(n * c * h * w, 11), k = RandomData.Floats(o * c * 9, 12), b = RandomData.Floats(o, 13);
        float[] dy = RandomData.Floats(n * o * g.OutPixels, 14);
        using var tx = Upload(x, n, c, h, w);
        using var tk = Upload(k, o, c, 3, 3);
        using var tb = Upload(b, o);
        using var ty = Device.Allocate(DType.Float32, n, o, g.OutHeight, g.OutWidth);
        Device.Conv2DForward(tx, tk, tb, ty, g, relu: true);
        var expectedY = new float[ty.Length];
        ConvolutionReference.Forward<float>(x, k, b, expectedY, g);
        double tolerance = 2e-5 * Math.Sqrt(g.PatchSize);
        RandomData.AssertClose(ty.AsSpan<float>(), expectedY.Select(v => Math.Max(v, 0f)).ToArray(), tolerance, "forward + relu");
        float[] y = ty.AsSpan<float>().ToArray();
        Assert.That(y.Count(v => v == 0), Is.InRange(y.Length / 5, 4 * y.Length / 5), "about half the outputs are clipped");

        using var tdy = Upload(dy, n, o, g.OutHeight, g.OutWidth);
        using var tdx = Device.Allocate(DType.Float32, n, c, h, w);
        using var tdk = Device.Allocate(DType.Float32, o, c, 3, 3);
        using var tdb = Device.Allocate(DType.Float32, o);
        Device.Conv2DBackward(tx, tk, tdy, tdx, tdk, tdb, g, reluOutput: ty);
        // The ReLU's gradient mask comes from the output the layer actually produced.
        float[] masked = dy.Select((v, i) => y[i] > 0 ? v : 0f).ToArray();
        float[] edx = new float[x.Length], edk = new float[k.Length], edb = new float[o];
        ConvolutionReference.Backward<float>(x, k, masked, edx, edk, edb, g);
        double sumTolerance = 2e-5 * Math.Sqrt(n * g.OutPixels);
        RandomData.AssertClose(tdx.AsSpan<float>(), edx, tolerance, "backward data");
        RandomData.AssertClose(tdk.AsSpan<float>(), edk, sumTolerance, "backward filter");
        RandomData.AssertClose(tdb.AsSpan<float>(), edb, sumTolerance, "bias gradient");
    }

    [Test]
    public void The_im2col_device_runs_another_algorithm_with_the_same_results()
    {
        var g = Conv2DGeometry.Create(4, 16, 12, 12, 16, 3, 3, 1, 1, Padding.Same);
        Assert.That(Winograd.Applies(g), "the default device takes Winograd for this layer");
        using var im2col = DeviceFactory.Create("cpu:im2col");
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
        float[] winograd = Run(Device), direct = Run(im2col);
        RandomData.AssertClose(winograd, direct, 1e-4, "Winograd against im2col");
        Assert.That(winograd.SequenceEqual(direct), Is.False, "different algorithms round differently");
    }

    [Test]
    public void Backward_without_input_gradient_still_writes_the_filter_gradient()
    {
        var g = Conv2DGeometry.Create(3, 2, 5, 5, 3, 3, 3, 1, 1, Padding.Same);
        float[] x = RandomData.Floats(3 * 2 * 25, 5), k = RandomData.Floats(3 * 2 * 9, 6), dy = RandomData.Floats(3 * 3 * 25, 7);
        using var tx = Upload(x, 3, 2, 5, 5);
        using var tk = Upload(k, 3, 2, 3, 3);
        using var tdy = Upload(dy, 3, 3, 5, 5);
        using var tdk = Device.Allocate(DType.Float32, 3, 2, 3, 3);
        Device.Conv2DBackward(tx, tk, tdy, null, tdk, null, g);
        float[] edx = new float[x.Length], edk = new float[k.Length];
        ConvolutionReference.Backward<float>(x, k, dy, edx, edk, Span<float>.Empty, g);
        RandomData.AssertClose(tdk.AsSpan<float>(), edk, 1e-4, "backward filter");
    }

    private static Tensor Upload(float[] data, params int[] shape)
    {
        var t = Device.Allocate(DType.Float32, shape);
        Device.Upload<float>(t, data);
        return t;
    }
}
