using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Random;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Kernels;

/// <summary>The CPU max-pooling and dropout kernels against plain scalar references on random data.</summary>
public class PoolingAndDropoutKernelTests
{
    private static readonly CpuDevice Device = new();

    // (n, c, h, w, pool, stride): the 2x2 / stride-2 fast path at even and odd sizes (odd rows and columns are
    // dropped, as in Keras 'valid' pooling), and general windows, overlapping ones included.
    [TestCase(2, 3, 48, 48, 2, 2)]
    [TestCase(3, 5, 7, 9, 2, 2)]
    [TestCase(1, 2, 46, 23, 2, 2)]
    [TestCase(2, 3, 2, 2, 2, 2)]
    [TestCase(2, 4, 9, 11, 3, 2)]
    [TestCase(1, 3, 8, 8, 2, 1)]
    public void MaxPool_matches_the_first_maximum_reference_including_ties(int n, int c, int h, int w, int pool, int stride)
    {
        var g = Pool2DGeometry.Create(n, c, h, w, pool, pool, stride, stride);
        // Few distinct values, so ties are common: the first maximum in row-major window order must win.
        float[] x = RandomData.Floats(n * c * h * w, h * w + pool).Select(v => MathF.Round(v * 2)).ToArray();
        float[] dy = RandomData.Floats(n * c * g.OutHeight * g.OutWidth, 5);
        using var tx = Upload(x);
        using var ty = Device.Allocate(DType.Float32, n, c, g.OutHeight, g.OutWidth);
        using var targ = Device.Allocate(DType.Int32, n, c, g.OutHeight, g.OutWidth);
        using var tdy = Upload(dy);
        using var tdx = Device.Allocate(DType.Float32, n, c, h, w);

        Device.MaxPoolForward(tx, ty, targ, g);
        Device.MaxPoolBackward(tdy, targ, tdx, g);

        var (ey, earg) = ReferenceForward(x, g);
        Assert.That(ty.AsSpan<float>().ToArray(), Is.EqualTo(ey), "pooled values");
        Assert.That(targ.AsSpan<int>().ToArray(), Is.EqualTo(earg), "arg-max positions");
        var edx = new float[x.Length];
        int planeIn = h * w, planeOut = g.OutHeight * g.OutWidth;
        for (int o = 0; o < dy.Length; o++) edx[o / planeOut * planeIn + earg[o]] += dy[o];
        RandomData.AssertClose(tdx.AsSpan<float>(), edx, 1e-6, "max-pool backward");
    }

    [TestCase(1), TestCase(31), TestCase(1000), TestCase(70_001)]
    public void Dropout_mask_is_the_philox_stream_compared_with_the_rate(int length)
    {
        const double rate = 0.4;
        float[] x = RandomData.Floats(length, length);
        using var tx = Upload(x);
        using var ty = Device.Allocate(DType.Float32, length);
        using var mask = Device.Allocate(DType.Float32, length);

        Device.DropoutForward(tx, ty, mask, rate, seed: 77, step: 5, layerId: 3);

        var keep = (float)(1 / (1 - rate));
        var expectedMask = Enumerable.Range(0, length).Select(i => Philox.Uniform(77, 5, 3, i) < (float)rate ? 0f : keep).ToArray();
        Assert.That(mask.AsSpan<float>().ToArray(), Is.EqualTo(expectedMask));
        RandomData.AssertClose(ty.AsSpan<float>(), x.Select((v, i) => v * expectedMask[i]).ToArray(), 0, "dropout output");
    }

    private static (float[] Y, int[] Arg) ReferenceForward(float[] x, Pool2DGeometry g)
    {
        int planes = g.Batch * g.Channels, planeIn = g.InHeight * g.InWidth, planeOut = g.OutHeight * g.OutWidth;
        var y = new float[planes * planeOut];
        var arg = new int[planes * planeOut];
        for (int plane = 0; plane < planes; plane++)
            for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int best = -1;
                    for (int p = 0; p < g.PoolHeight; p++)
                        for (int q = 0; q < g.PoolWidth; q++)
                        {
                            int idx = (i * g.StrideHeight + p) * g.InWidth + j * g.StrideWidth + q;
                            if (best < 0 || x[plane * planeIn + idx] > x[plane * planeIn + best]) best = idx;
                        }
                    y[plane * planeOut + i * g.OutWidth + j] = x[plane * planeIn + best];
                    arg[plane * planeOut + i * g.OutWidth + j] = best;
                }
        return (y, arg);
    }

    private static Tensor Upload(float[] data)
    {
        var t = Device.Allocate(DType.Float32, data.Length);
        Device.Upload<float>(t, data);
        return t;
    }
}
