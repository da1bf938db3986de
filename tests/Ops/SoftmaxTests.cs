using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Row-wise softmax and its gradient on every device against the reference, with logits large enough that a
/// missing max-subtraction would overflow.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class SoftmaxTests(string device) : DeviceFixture(device)
{
    [TestCase(1, 1), TestCase(5, 7), TestCase(300, 4)]
    public void Forward_and_backward_match_the_reference(int n, int k)
    {
        var (x, rx) = Pair(RandomData.Floats(n * k, 1).Select(v => 60 * v).ToArray(), n, k);
        var (dy, rdy) = Pair(RandomData.Floats(n * k, 2), n, k);
        var (y, ry) = Outputs(DType.Float32, n, k);
        var (dx, rdx) = Outputs(DType.Float32, n, k);
        Device.SoftmaxForward(x, y); Oracle.SoftmaxForward(rx, ry);
        AssertMatches(y, ry, 1e-6, "softmax");
        float[] probabilities = Read<float>(ry);
        for (int i = 0; i < n; i++)
            Assert.That(probabilities.Skip(i * k).Take(k).Sum(), Is.EqualTo(1).Within(1e-5), $"row {i} sums to 1");
        Device.SoftmaxBackward(y, dy, dx); Oracle.SoftmaxBackward(ry, rdy, rdx);
        AssertMatches(dx, rdx, 1e-6, "softmax backward");
    }
}
