using NativeCnn.Engine.Random;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Dropout masks on every device: bit-identical to the reference's, a pure function of (seed, step, layer,
/// element), and dropping the requested fraction.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class DropoutTests(string device) : DeviceFixture(device)
{
    // length, rate, seed (with high bits set in the last cases), step, layer
    [TestCase(1, 0.5, 1UL, 0UL, 0U)]
    [TestCase(7, 0.25, 42UL, 3UL, 2U)]
    [TestCase(4097, 0.5, 0xDEADBEEF12345678UL, 17UL, 5U)]
    [TestCase(70_001, 0.3, 0xFFFFFFFF00000001UL, 123456UL, 9U)]
    public void Masks_equal_the_reference_bit_for_bit(int n, double rate, ulong seed, ulong step, uint layer)
    {
        var (x, rx) = Pair(RandomData.Floats(n, 1), n);
        var (y, ry) = Outputs(DType.Float32, n);
        var (m, rm) = Outputs(DType.Float32, n);
        Device.DropoutForward(x, y, m, rate, seed, step, layer);
        Oracle.DropoutForward(rx, ry, rm, rate, seed, step, layer);
        Assert.That(Read<float>(m), Is.EqualTo(Read<float>(rm)), "mask");
        Assert.That(Read<float>(y), Is.EqualTo(Read<float>(ry)), "y");
        var (dy, rdy) = Pair(RandomData.Floats(n, 2), n);
        Device.DropoutBackward(dy, m, dy); Oracle.DropoutBackward(rdy, rm, rdy);
        Assert.That(Read<float>(dy), Is.EqualTo(Read<float>(rdy)), "dx = dy ⊙ mask, in place");
        if (n <= 1000) return;
        double dropped = Read<float>(m).Count(v => v == 0) / (double)n;
        Assert.That(dropped, Is.EqualTo(rate).Within(0.02), "fraction dropped");
    }

    [Test]
    public void The_mask_is_the_philox_stream_compared_with_the_rate_and_changes_with_the_step()
    {
        const int n = 50_001;
        const double rate = 0.4;
        var x = Make(Device, RandomData.Floats(n, 1), n);
        var y = Track(Device.Allocate(DType.Float32, n));
        var m1 = Track(Device.Allocate(DType.Float32, n));
        var m2 = Track(Device.Allocate(DType.Float32, n));
        Device.DropoutForward(x, y, m1, rate, seed: 77, step: 5, layerId: 3);
        float[] mask = Read<float>(m1);
        float keep = (float)(1 / (1 - rate));
        for (int i = 0; i < n; i += 997)
            Assert.That(mask[i], Is.EqualTo(Philox.Uniform(77, 5, 3, i) < (float)rate ? 0f : keep), $"element {i}");
        Device.DropoutForward(x, y, m2, rate, seed: 77, step: 6, layerId: 3);
        Assert.That(Read<float>(m2), Is.Not.EqualTo(mask), "a new step draws a new mask");
    }
}
