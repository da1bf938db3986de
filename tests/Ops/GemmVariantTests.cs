using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>
/// Every tile shape of the GPU GEMM (<see cref="GemmVariant"/>), forced, with and without a split of the depth, against
/// the reference: MatMul in every transpose with partial tiles at every edge and depths that are not multiples of the
/// tile's or of 4 (the element-by-element readers) or are (the vector readers), and the three convolution passes.
/// The GPU shapes need 64 to 256 threads per group, which ilgpu-cpu's 4-thread groups cannot hold, so without a GPU they
/// run on ILGPU's CPU accelerator simulating 256-thread groups (slow: the cases are a few tiles each); on a machine with
/// CUDA the same cases run on the GPU too.
/// </summary>
[NonParallelizable]
[TestFixtureSource(nameof(Devices))]
public class GemmVariantTests(string device) : DeviceFixture(device)
{
    /// <summary>The simulator, and CUDA where present.</summary>
    public static readonly string[] Devices = [TestDevices.IlgpuSimulator, TestDevices.Cuda];

    public static IEnumerable<string> Variants() => Enum.GetNames<GemmVariant>();

    // (m, n, k): edges in both dimensions of every tile, depths below one step, not a multiple of the step or of 4, and
    // multiples of 4 (vector loads on both operands).
    private static readonly int[][] Sizes = [[1, 1, 3], [37, 130, 21], [130, 67, 40], [66, 260, 36]];

    private GpuDevice Gpu => (GpuDevice)Device;

    [TestCaseSource(nameof(Variants))]
    public void MatMul_matches_the_reference_in_every_transpose(string name)
    {
        var variant = Enum.Parse<GemmVariant>(name);
        foreach (int splits in new[] { 1, 3 })
        {
            Gpu.ForcedGemmPlan = new GemmPlan(variant, splits);
            try
            {
                foreach (int[] s in Sizes)
                    foreach (bool ta in new[] { false, true })
                        foreach (bool tb in new[] { false, true })
                            CheckMatMul(s[0], s[1], s[2], ta, tb, $"{variant}, {splits} splits, {s[0]}x{s[1]}x{s[2]}, transposes {ta}/{tb}");
            }
            finally { Gpu.ForcedGemmPlan = null; }
        }
    }

    [TestCaseSource(nameof(Variants))]
    public void Convolution_passes_match_the_reference(string name)
    {
        Gpu.ForcedGemmPlan = new GemmPlan(Enum.Parse<GemmVariant>(name), 2);
        try
        {
            // A 3x3 'same' layer with edges in every GEMM dimension, and a strided 'valid' one with a 2x3 kernel.
            CheckConvolution(Conv2DGeometry.Create(3, 5, 9, 11, 13, 3, 3, 1, 1, Padding.Same), relu: true);
            CheckConvolution(Conv2DGeometry.Create(2, 4, 10, 9, 6, 2, 3, 2, 2, Padding.Valid), relu: false);
        }
        finally { Gpu.ForcedGemmPlan = null; }
    }

    [Test]
    public void Every_tile_shape_is_valid()
    {
        foreach (var variant in Enum.GetValues<GemmVariant>())
        {
            var (rows, columns, depth, threads, sharedBytes) = GemmPlanner.Shape(variant, 4);
            Assert.That(rows * depth % (4 * threads), Is.EqualTo(0), $"{variant}: op(A) slice in whole quads per thread");
            Assert.That(columns * depth % (4 * threads), Is.EqualTo(0), $"{variant}: op(B) slice in whole quads per thread");
            Assert.That(sharedBytes, Is.LessThanOrEqualTo(48 * 1024), $"{variant}: a work-group's static shared memory");
        }
        foreach (var variant in GemmPlanner.Candidates(float64: true))
            Assert.That(GemmPlanner.Shape(variant, 8).SharedBytes, Is.LessThanOrEqualTo(48 * 1024), $"{variant} in float64");
    }

    [Test]
    public void Float64_matches_the_reference_on_its_variants()
    {
        foreach (var variant in GemmPlanner.Candidates(float64: true))
        {
            Gpu.ForcedGemmPlan = new GemmPlan(variant, 2);
            try
            {
                var (a, ra) = Pair(RandomData.Doubles(70 * 45, 1), 70, 45);
                var (b, rb) = Pair(RandomData.Doubles(45 * 131, 2), 131, 45);
                var (c, rc) = Pair(RandomData.Doubles(70 * 131, 3), 70, 131);
                Device.MatMul(a, false, b, true, c, 0.5);
                Oracle.MatMul(ra, false, rb, true, rc, 0.5);
                AssertMatches64(c, rc, 1e-13, $"{variant} float64");
            }
            finally { Gpu.ForcedGemmPlan = null; }
        }
    }

    private void CheckMatMul(int m, int n, int k, bool transposeA, bool transposeB, string what)
    {
        var (a, ra) = Pair(RandomData.Floats(m * k, 1), transposeA ? [k, m] : [m, k]);
        var (b, rb) = Pair(RandomData.Floats(k * n, 2), transposeB ? [n, k] : [k, n]);
        var (c, rc) = Pair(RandomData.Floats(m * n, 3), m, n);
        Device.MatMul(a, transposeA, b, transposeB, c, 1);
        Oracle.MatMul(ra, transposeA, rb, transposeB, rc, 1);
        AssertMatches(c, rc, 4e-6 * Math.Sqrt(k) + 2e-6, what + ", beta 1");
    }

    private void CheckConvolution(Conv2DGeometry g, bool relu)
    {
        int[] xShape = [g.Batch, g.InChannels, g.InHeight, g.InWidth], kShape = [g.OutChannels, g.InChannels, g.KernelHeight, g.KernelWidth];
        int[] yShape = [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth];
        var (x, rx) = Pair(RandomData.Floats(Size(xShape), 1), xShape);
        var (k, rk) = Pair(RandomData.Floats(Size(kShape), 2), kShape);
        var (bias, rbias) = Pair(RandomData.Floats(g.OutChannels, 3), g.OutChannels);
        var (y, ry) = Outputs(DType.Float32, yShape);
        Device.Conv2DForward(x, k, bias, y, g, relu);
        Oracle.Conv2DForward(rx, rk, rbias, ry, g, relu);
        double tolerance = 2e-5 * Math.Sqrt(g.PatchSize);
        AssertMatches(y, ry, tolerance, "forward");

        var (dy, rdy) = Pair(RandomData.Floats(Size(yShape), 4), yShape);
        var (dx, rdx) = Outputs(DType.Float32, xShape);
        var (dk, rdk) = Outputs(DType.Float32, kShape);
        Device.Conv2DBackward(x, k, dy, dx, dk, null, g);
        Oracle.Conv2DBackward(rx, rk, rdy, rdx, rdk, null, g);
        AssertMatches(dx, rdx, tolerance, "data gradient");
        AssertMatches(dk, rdk, 2e-5 * Math.Sqrt(g.Batch * g.OutPixels), "kernel gradient");
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (p, d) => p * d);
}
