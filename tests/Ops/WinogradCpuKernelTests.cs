using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Ops;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>
/// Winograd F(2x2, 3x3) against the direct seven-loop reference, called directly so that every shape class runs it,
/// the kernel gradient included, including those <see cref="Winograd.Applies"/> leaves to im2col: one channel, 1x1 to 3x3 outputs, odd and
/// non-square maps (a partial last tile row and column), tile rows longer than one vector, batches split unevenly
/// across the cores, and groups of several images. Random data, float32 and float64.
/// </summary>
public unsafe class WinogradCpuKernelTests
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
        var r = Compare(g, RandomData.Floats, allowVector512);
        RandomData.AssertClose(r.Y, r.ExpectedY, 3e-5 * Math.Sqrt(c * 9), "forward");
        RandomData.AssertClose(r.Dx, r.ExpectedDx, 3e-5 * Math.Sqrt(o * 9), "backward data");
        RandomData.AssertClose(r.Dk, r.ExpectedDk, 3e-5 * Math.Sqrt(n * g.OutPixels), "backward kernel");
    }

    [TestCase(2, 3, 7, 6, 4, Padding.Same)]
    [TestCase(3, 2, 9, 11, 5, Padding.Valid)]
    [TestCase(2, 3, 20, 37, 4, Padding.Same)] // rows long enough for the vector (de)interleave of 8 doubles
    public void Forward_and_gradients_match_the_direct_reference_float64(int n, int c, int h, int w, int o, Padding padding)
    {
        var r = Compare(Conv2DGeometry.Create(n, c, h, w, o, 3, 3, 1, 1, padding), RandomData.Doubles, allowVector512: true);
        for (int i = 0; i < r.Y.Length; i++) Assert.That(r.Y[i], Is.EqualTo(r.ExpectedY[i]).Within(1e-12), $"forward element {i}");
        for (int i = 0; i < r.Dx.Length; i++) Assert.That(r.Dx[i], Is.EqualTo(r.ExpectedDx[i]).Within(1e-12), $"backward data element {i}");
        for (int i = 0; i < r.Dk.Length; i++) Assert.That(r.Dk[i], Is.EqualTo(r.ExpectedDk[i]).Within(1e-11), $"backward kernel element {i}");
    }

    /// <summary>Winograd's forward pass and both gradients on random data, next to the reference's.</summary>
    private static (T[] Y, T[] ExpectedY, T[] Dx, T[] ExpectedDx, T[] Dk, T[] ExpectedDk) Compare<T>(Conv2DGeometry g, Func<int, int, T[]> random, bool allowVector512)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = g.Batch, c = g.InChannels, o = g.OutChannels;
        T[] x = random(n * c * g.InPixels, 21), k = random(o * c * 9, 22), b = random(o, 23), dy = random(n * o * g.OutPixels, 24);
        T[] y = new T[n * o * g.OutPixels], dx = new T[x.Length], dk = new T[k.Length];
        using (var winograd = new Winograd(allowVector512))
            fixed (T* px = x, pk = k, pb = b, py = y, pdy = dy, pdx = dx, pdk = dk)
            {
                winograd.Forward(px, pk, pb, py, g, relu: false);
                winograd.BackwardData(pk, pdy, pdx, g);
                winograd.BackwardKernel(px, pdy, pdk, g);
            }

        T[] expectedY = new T[y.Length], expectedDx = new T[x.Length], expectedDk = new T[k.Length];
        ConvolutionReference.Forward<T>(x, k, b, expectedY, g);
        ConvolutionReference.Backward<T>(x, k, dy, expectedDx, expectedDk, Span<T>.Empty, g);
        return (y, expectedY, dx, expectedDx, dk, expectedDk);
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
        Assert.That(Winograd.Applies(Conv2DGeometry.Create(64, c, h, w, o, 3, 3, 2, 2, padding)), Is.False, "stride 2");
        Assert.That(Winograd.Applies(Conv2DGeometry.Create(64, c, h, w, o, 5, 5, 1, 1, padding)), Is.False, "5x5 kernel");
    }
}
