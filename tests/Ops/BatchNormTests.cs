using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Batch normalisation (training statistics and moving averages, inference, backward, with and without the
/// fused ReLU) on every device against the reference.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class BatchNormTests(string device) : DeviceFixture(device)
{
    // (N, C, S): dense features (S = 1), odd conv planes, a 48x48 plane, and more values per channel than a work-group.
    [TestCase(5, 3, 1, false), TestCase(64, 7, 1, false), TestCase(3, 4, 35, false), TestCase(2, 3, 17, false), TestCase(3, 2, 2304, false)]
    [TestCase(64, 7, 1, true), TestCase(3, 4, 35, true), TestCase(3, 2, 2304, true)]
    public void Training_inference_and_backward_match_the_reference(int n, int c, int s, bool relu)
    {
        // Offset and scaled inputs, so a one-pass variance would visibly lose precision.
        var (x, rx) = Pair(RandomData.Floats(n * c * s, 1).Select(v => 3 + 2 * v).ToArray(), n, c, s);
        var (dy, rdy) = Pair(RandomData.Floats(n * c * s, 2), n, c, s);
        var (gamma, rgamma) = Pair(RandomData.Floats(c, 3), c);
        var (beta, rbeta) = Pair(RandomData.Floats(c, 4), c);
        var (mm, rmm) = Pair(RandomData.Floats(c, 5), c);
        var (mv, rmv) = Pair(RandomData.Floats(c, 6).Select(v => 1 + Math.Abs(v)).ToArray(), c);
        var (y, ry) = Outputs(DType.Float32, n, c, s);
        var (dx, rdx) = Outputs(DType.Float32, n, c, s);
        var (bm, rbm) = Outputs(DType.Float32, c);
        var (bi, rbi) = Outputs(DType.Float32, c);
        var (dg, rdg) = Outputs(DType.Float32, c);
        var (db, rdb) = Outputs(DType.Float32, c);

        Device.BatchNormTraining(x, gamma, beta, mm, mv, 0.99, 1e-3, y, bm, bi, relu);
        Oracle.BatchNormTraining(rx, rgamma, rbeta, rmm, rmv, 0.99, 1e-3, ry, rbm, rbi, relu);
        AssertMatches(y, ry, 2e-5, "y");
        AssertMatches(bm, rbm, 2e-5, "batch mean");
        AssertMatches(bi, rbi, 2e-5, "batch inverse std");
        AssertMatches(mm, rmm, 2e-5, "moving mean");
        AssertMatches(mv, rmv, 2e-5, "moving variance");
        if (relu) Assert.That(Read<float>(ry).Count(v => v == 0), Is.InRange(1, n * c * s - 1), "the ReLU clips some outputs, not all");

        Device.BatchNormBackward(x, dy, gamma, bm, bi, dx, dg, db, relu ? y : null);
        Oracle.BatchNormBackward(rx, rdy, rgamma, rbm, rbi, rdx, rdg, rdb, relu ? ry : null);
        AssertMatches(dx, rdx, 1e-4, "dx");
        AssertMatches(dg, rdg, 1e-4, "dGamma");
        AssertMatches(db, rdb, 1e-4, "dBeta");

        Device.BatchNormInference(x, gamma, beta, mm, mv, 1e-3, y, relu);
        Oracle.BatchNormInference(rx, rgamma, rbeta, rmm, rmv, 1e-3, ry, relu);
        AssertMatches(y, ry, 1e-5, "inference y");
    }

    [TestCase(3, 2, 2304, true), TestCase(64, 7, 1, false)]
    public void Reductions_over_many_slices_of_a_channel_match_the_reference(int n, int c, int s, bool relu)
    {
        if (Device is not GpuDevice gpu)
        {
            Assert.Ignore("the slicing of per-channel reductions is the GPU kernels'");
            return;
        }
        gpu.ForcedReductionGroups = 40;
        try
        {
            Training_inference_and_backward_match_the_reference(n, c, s, relu);
            // The bias gradient's reduction (Conv2D's dBias), against sums in double.
            float[] host = RandomData.Floats(n * c * s, 7);
            var x = Make(Device, host, n, c, s);
            var (sums, _) = Outputs(DType.Float32, c);
            gpu.ChannelSum(x, sums, n, c, s);
            var expected = new double[c];
            for (int i = 0; i < host.Length; i++) expected[i / s % c] += host[i];
            RandomData.AssertClose(Read<float>(sums), expected.Select(v => (float)v).ToArray(), 1e-5, "channel sums");
        }
        finally { gpu.ForcedReductionGroups = null; }
    }
}
