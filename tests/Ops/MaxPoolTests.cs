using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Max pooling on every device against the reference: the 2x2 / stride-2 fast path at even and odd sizes,
/// general and overlapping windows, and ties (which must go to the first maximum everywhere).</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class MaxPoolTests(string device) : DeviceFixture(device)
{
    // (n, c, h, w, pool, stride)
    [TestCase(2, 3, 48, 48, 2, 2)]
    [TestCase(3, 5, 7, 9, 2, 2)]
    [TestCase(1, 2, 46, 23, 2, 2)]
    [TestCase(2, 3, 2, 2, 2, 2)]
    [TestCase(2, 4, 9, 11, 3, 2)]
    [TestCase(1, 3, 8, 8, 2, 1)]
    [TestCase(2, 2, 7, 9, 3, 1)]
    public void Forward_and_backward_match_the_reference_including_ties(int n, int c, int h, int w, int pool, int stride)
    {
        var g = Pool2DGeometry.Create(n, c, h, w, pool, pool, stride, stride);
        int[] outShape = [n, c, g.OutHeight, g.OutWidth];
        // Few distinct values, so ties are common.
        var (x, rx) = Pair(RandomData.Floats(n * c * h * w, h * w + pool).Select(v => MathF.Round(v * 2)).ToArray(), n, c, h, w);
        var (dy, rdy) = Pair(RandomData.Floats(n * c * g.OutHeight * g.OutWidth, 5), outShape);
        var (y, ry) = Outputs(DType.Float32, outShape);
        var (a, ra) = Outputs(DType.Int32, outShape);
        var (dx, rdx) = Outputs(DType.Float32, n, c, h, w);
        Device.MaxPoolForward(x, y, a, g); Oracle.MaxPoolForward(rx, ry, ra, g);
        AssertMatches(y, ry, 0, "pooled values");
        Assert.That(Read<int>(a), Is.EqualTo(Read<int>(ra)), "arg-max positions");
        Device.MaxPoolBackward(dy, a, dx, g); Oracle.MaxPoolBackward(rdy, ra, rdx, g);
        AssertMatches(dx, rdx, 1e-6, "dx");
    }
}
