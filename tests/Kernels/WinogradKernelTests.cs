using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu.Kernels;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Kernels;

/// <summary>
/// Winograd F(2x2, 3x3) against the direct seven-loop reference, called directly so that every shape class runs it,
/// the kernel gradient included, including those <see cref="Winograd.Applies"/> leaves to im2col: one channel, 1x1 to 3x3 outputs, odd and
/// non-square maps (a partial last tile row and column), tile rows longer than one vector, batches split unevenly
/// across the cores, and groups of several images. Random data, float32 and float64.
/// </summary>
public unsafe class WinogradKernelTests
{
    // (N, C, H, W, O, padding)
    [TestCase(1, 1, 3, 3, 1, Padding.Valid)]
    [TestCase(1, 1, 1, 1, 1, Padding.Same)]
    [TestCase(2, 3, 4, 4, 2, Padding.Valid)]
    [TestCase(3, 2, 5, 5, 3, Padding.Same)]
    [TestCase(3, 5, 7, 9, 4, Padding.Same)]
    [TestCase(3, 5, 7, 9, 4, Padding.Valid)]
    [TestCase(5, 16, 12, 12, 24, Padding.Same)]
    [TestCase(2, 17, 23, 23, 19, Padding.Same)]
    [TestCase(2, 7, 40, 37, 5, Padding.Same)]
    [TestCase(4, 9, 46, 46, 3, Padding.Valid)]
    [TestCase(33, 4, 6, 6, 6, Padding.Same)]
    public void Forward_and_gradients_match_the_direct_reference_float32(int n, int c, int h, int w, int o, Padding padding)
    {
        Check(n, c, h, w, o, padding, allowVector512: true);
    }

    // The Vector<T> transforms that CPUs without AVX-512 run.
    [TestCase(3, 5, 7, 9, 4, Padding.Same)]
    [TestCase(2, 17, 23, 23, 19, Padding.Valid)]
    [TestCase(2, 7, 40, 37, 5, Padding.Same)]
    public void Narrow_vector_transforms_match_the_direct_reference(int n, int c, int h, int w, int o, Padding padding)
    {
        Check(n, c, h, w, o, padding, allowVector512: false);
    }

    private static void Check(int n, int c, int h, int w, int o, Padding padding, bool allowVector512)
    {
        var g = Conv2DGeometry.Create(n, c, h, w, o, 3, 3, 1, 1, padding);
        float[] x = RandomData.Floats(n * c * h * w, 21), k = RandomData.Floats(o * c * 9, 22), b = RandomData.Floats(o, 23);
        float[] dy = RandomData.Floats(n * o * g.OutPixels, 24);
        float[] y = new float[n * o * g.OutPixels], dx = new float[x.Length], dk = new float[k.Length];
        using var winograd = new Winograd(allowVector512);
        fixed (float* px = x, pk = k, pb = b, py = y, pdy = dy, pdx = dx, pdk = dk)
        {
            winograd.Forward(px, pk, pb, py, g, relu: false);
            winograd.BackwardData(pk, pdy, pdx, g);
            winograd.BackwardKernel(px, pdy, pdk, g);
        }

        float[] expectedY = new float[y.Length], expectedDx = new float[x.Length], expectedDk = new float[k.Length];
        ConvolutionReference.Forward<float>(x, k, b, expectedY, g);
        ConvolutionReference.Backward<float>(x, k, dy, expectedDx, expectedDk, Span<float>.Empty, g);
        RandomData.AssertClose(y, expectedY, 3e-5 * Math.Sqrt(c * 9), "forward");
        RandomData.AssertClose(dx, expectedDx, 3e-5 * Math.Sqrt(o * 9), "backward data");
        RandomData.AssertClose(dk, expectedDk, 3e-5 * Math.Sqrt(n * g.OutPixels), "backward kernel");
    }

    [TestCase(2, 3, 7, 6, 4, Padding.Same)]
    [TestCase(3, 2, 9, 11, 5, Padding.Valid)]
    public void Forward_and_gradients_match_the_direct_reference_float64(int n, int c, int h, int w, int o, Padding padding)
    {
        var g = Conv2DGeometry.Create(n, c, h, w, o, 3, 3, 1, 1, padding);
        double[] x = RandomData.Doubles(n * c * h * w, 31), k = RandomData.Doubles(o * c * 9, 32), b = RandomData.Doubles(o, 33);
        double[] dy = RandomData.Doubles(n * o * g.OutPixels, 34);
        double[] y = new double[n * o * g.OutPixels], dx = new double[x.Length], dk = new double[k.Length];
        using var winograd = new Winograd();
        fixed (double* px = x, pk = k, pb = b, py = y, pdy = dy, pdx = dx, pdk = dk)
        {
            winograd.Forward(px, pk, pb, py, g, relu: false);
            winograd.BackwardData(pk, pdy, pdx, g);
            winograd.BackwardKernel(px, pdy, pdk, g);
        }

        double[] expectedY = new double[y.Length], expectedDx = new double[x.Length], expectedDk = new double[k.Length];
        ConvolutionReference.Forward<double>(x, k, b, expectedY, g);
        ConvolutionReference.Backward<double>(x, k, dy, expectedDx, expectedDk, Span<double>.Empty, g);
        for (int i = 0; i < y.Length; i++) Assert.That(y[i], Is.EqualTo(expectedY[i]).Within(1e-12), $"forward element {i}");
        for (int i = 0; i < dx.Length; i++) Assert.That(dx[i], Is.EqualTo(expectedDx[i]).Within(1e-12), $"backward data element {i}");
        for (int i = 0; i < dk.Length; i++) Assert.That(dk[i], Is.EqualTo(expectedDk[i]).Within(1e-11), $"backward kernel element {i}");
    }

    [Test]
    public void Fused_relu_clips_the_biased_output()
    {
        var g = Conv2DGeometry.Create(3, 4, 9, 10, 5, 3, 3, 1, 1, Padding.Same);
        float[] x = RandomData.Floats(3 * 4 * 90, 41), k = RandomData.Floats(5 * 4 * 9, 42), b = RandomData.Floats(5, 43);
        float[] y = new float[3 * 5 * 90];
        using var winograd = new Winograd();
        fixed (float* px = x, pk = k, pb = b, py = y) winograd.Forward(px, pk, pb, py, g, relu: true);
        float[] expected = new float[y.Length];
        ConvolutionReference.Forward<float>(x, k, b, expected, g);
        RandomData.AssertClose(y, expected.Select(v => Math.Max(v, 0f)).ToArray(), 3e-5 * 6, "forward + relu");
        Assert.That(y.Count(v => v == 0), Is.InRange(y.Length / 5, 4 * y.Length / 5), "about half the outputs are clipped");
    }

    // The seed models' 3x3 layers that Winograd takes, and the ones it leaves to im2col (first layers, few filters,
    // 5x5 and 7x7 maps whose 2x2 tiles cover 44 % and 31 % more pixels than the output).
    [TestCase(64, 64, 46, 46, Padding.Same, true)]
    [TestCase(128, 256, 11, 11, Padding.Same, true)]
    [TestCase(64, 64, 8, 8, Padding.Valid, true)]
    [TestCase(512, 512, 6, 6, Padding.Same, true)]
    [TestCase(512, 512, 5, 5, Padding.Same, false)]
    [TestCase(256, 256, 7, 7, Padding.Same, false)]
    [TestCase(1, 64, 48, 48, Padding.Same, false)]
    [TestCase(64, 8, 48, 48, Padding.Same, false)]
    public void Applies_to_3x3_stride_1_layers_with_enough_channels_and_pixels(int c, int o, int h, int w, Padding padding, bool expected)
    {
        var g = Conv2DGeometry.Create(64, c, h, w, o, 3, 3, 1, 1, padding);
        Assert.That(Winograd.Applies(g), Is.EqualTo(expected));
        Assert.That(Winograd.AppliesToKernelGradient(g), Is.EqualTo(c >= 64), "the kernel gradient from 64 input channels on");
        Assert.That(Winograd.Applies(Conv2DGeometry.Create(64, c, h, w, o, 3, 3, 2, 2, padding)), Is.False, "stride 2");
        Assert.That(Winograd.Applies(Conv2DGeometry.Create(64, c, h, w, o, 5, 5, 1, 1, padding)), Is.False, "5x5 kernel");
    }
}
