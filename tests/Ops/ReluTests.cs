using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>ReLU forward and backward on every device against the reference, at lengths that leave vector tails and
/// cross the CPU's multi-core threshold; in place as the Activation layer runs it.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class ReluTests(string device) : DeviceFixture(device)
{
    private static readonly int[] Lengths = [1, 7, 17, 1000, 70_001];

    [TestCaseSource(nameof(Lengths))]
    public void Forward_and_backward_match_the_reference(int n)
    {
        var (x, rx) = Pair(RandomData.Floats(n, 1), n);
        var (dy, rdy) = Pair(RandomData.Floats(n, 2), n);
        var (y, ry) = Outputs(DType.Float32, n);
        var (dx, rdx) = Outputs(DType.Float32, n);
        Device.ReluForward(x, y); Oracle.ReluForward(rx, ry);
        AssertMatches(y, ry, 0, "relu");
        Device.ReluBackward(y, dy, dx); Oracle.ReluBackward(ry, rdy, rdx);
        AssertMatches(dx, rdx, 0, "relu backward");
        Device.ReluForward(x, x);
        AssertMatches(x, ry, 0, "in-place relu");
        Device.ReluBackward(y, dy, dy);
        AssertMatches(dy, rdx, 0, "in-place relu backward");
    }

    [Test]
    public void Relu_is_max_of_x_and_zero_with_the_output_as_mask()
    {
        float[] x = RandomData.Floats(101, 3), dy = RandomData.Floats(101, 4);
        var tx = Make(Device, x, 101);
        var tdy = Make(Device, dy, 101);
        var ty = Track(Device.Allocate(DType.Float32, 101));
        Device.ReluForward(tx, ty);
        Device.ReluBackward(ty, tdy, tdy);
        Assert.That(Read<float>(ty), Is.EqualTo(x.Select(v => Math.Max(v, 0f)).ToArray()));
        Assert.That(Read<float>(tdy), Is.EqualTo(x.Select((v, i) => v > 0 ? dy[i] : 0f).ToArray()));
    }
}
