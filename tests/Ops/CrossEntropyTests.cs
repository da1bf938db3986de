using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>The fused softmax cross-entropy, plain and class-weighted, on every device against the reference.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class CrossEntropyTests(string device) : DeviceFixture(device)
{
    private (Tensor, Tensor, Tensor, Tensor) Batch(int n, int k)
    {
        var random = new System.Random(n * 31 + k);
        var (z, rz) = Pair(RandomData.Floats(n * k, n).Select(v => 5 * v).ToArray(), n, k);
        var (l, rl) = Pair(Enumerable.Range(0, n).Select(_ => random.Next(k)).ToArray(), n);
        return (z, rz, l, rl);
    }

    [TestCase(1, 3), TestCase(5, 7), TestCase(64, 7), TestCase(301, 4)]
    public void Loss_correct_count_and_gradient_match_the_reference(int n, int k)
    {
        var (z, rz, l, rl) = Batch(n, k);
        var (d, rd) = Outputs(DType.Float32, n, k);
        LossResult actual = Device.SoftmaxCrossEntropy(z, l, d), expected = Oracle.SoftmaxCrossEntropy(rz, rl, rd);
        Assert.That(actual.MeanLoss, Is.EqualTo(expected.MeanLoss).Within(1e-5 * Math.Max(1, expected.MeanLoss)), "mean loss");
        Assert.That(actual.Correct, Is.EqualTo(expected.Correct), "correct");
        AssertMatches(d, rd, 1e-6, "dLogits");
        Assert.That(Device.SoftmaxCrossEntropy(z, l, null), Is.EqualTo(actual), "the loss without a gradient is the same");
    }

    [TestCase(1, 3), TestCase(5, 7), TestCase(63, 4)]
    public void Class_weighted_loss_and_gradient_match_the_reference(int n, int k)
    {
        var (z, rz, l, rl) = Batch(n, k);
        var random = new System.Random(k);
        var (w, rw) = Pair(Enumerable.Range(0, k).Select(_ => (float)(0.2 + 3 * random.NextDouble())).ToArray(), k);
        var (d, rd) = Outputs(DType.Float32, n, k);
        LossResult actual = Device.SoftmaxCrossEntropy(z, l, d, w), expected = Oracle.SoftmaxCrossEntropy(rz, rl, rd, rw);
        Assert.That(actual.MeanLoss, Is.EqualTo(expected.MeanLoss).Within(1e-5 * Math.Max(1, expected.MeanLoss)), "mean weighted loss");
        Assert.That(actual.Correct, Is.EqualTo(expected.Correct), "correct");
        AssertMatches(d, rd, 1e-6, "dLogits");
        Assert.That(actual.MeanLoss, Is.Not.EqualTo(Device.SoftmaxCrossEntropy(z, l, null).MeanLoss).Within(1e-6), "the weights matter");
    }

    [Test]
    public void A_label_out_of_range_is_named()
    {
        var z = Make(Device, RandomData.Floats(12, 1), 3, 4);
        var labels = Make(Device, new[] { 1, 4, 0 }, 3);
        var e = Assert.Throws<ArgumentException>(() => Device.SoftmaxCrossEntropy(z, labels, null));
        Assert.That(e!.Message, Does.Contain("label 4 of sample 1"));
    }

    [Test]
    public void Class_weights_of_the_wrong_length_are_rejected()
    {
        var z = Make(Device, RandomData.Floats(12, 1), 3, 4);
        var labels = Make(Device, new[] { 1, 2, 0 }, 3);
        var weights = Make(Device, new[] { 1f, 2f, 3f }, 3);
        var e = Assert.Throws<ArgumentException>(() => Device.SoftmaxCrossEntropy(z, labels, null, weights));
        Assert.That(e!.Message, Does.Contain("class weights"));
    }
}
