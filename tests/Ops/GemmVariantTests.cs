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
public class GemmVariantTests(string deviceName)
{
    /// <summary>The simulator, and CUDA where present.</summary>
    public static readonly string[] Devices = ["ilgpu-sim", TestDevices.Cuda];

    private static GpuDevice? _simulator;

    private GpuDevice Device => deviceName == TestDevices.Cuda ? (GpuDevice)TestDevices.Require(TestDevices.Cuda) : _simulator ??= GpuDevice.OpenCpuSimulator(32, 8);

    private static Device Reference => TestDevices.ReferenceDevice;

    public static IEnumerable<string> Variants() => Enum.GetNames<GemmVariant>();

    // (m, n, k): edges in both dimensions of every tile, depths below one step, not a multiple of the step or of 4, and
    // multiples of 4 (vector loads on both operands).
    private static readonly int[][] Sizes = [[1, 1, 3], [37, 130, 21], [130, 67, 40], [66, 260, 36]];

    [TestCaseSource(nameof(Variants))]
    public void MatMul_matches_the_reference_in_every_transpose(string name)
    {
        var variant = Enum.Parse<GemmVariant>(name);
        var device = Device;
        foreach (int splits in new[] { 1, 3 })
        {
            device.ForcedGemmPlan = new GemmPlan(variant, splits);
            try
            {
                foreach (int[] s in Sizes)
                    foreach (bool ta in new[] { false, true })
                        foreach (bool tb in new[] { false, true })
                            CheckMatMul(device, s[0], s[1], s[2], ta, tb, $"{variant}, {splits} splits, {s[0]}x{s[1]}x{s[2]}, transposes {ta}/{tb}");
            }
            finally { device.ForcedGemmPlan = null; }
        }
    }

    [TestCaseSource(nameof(Variants))]
    public void Convolution_passes_match_the_reference(string name)
    {
        var variant = Enum.Parse<GemmVariant>(name);
        var device = Device;
        device.ForcedGemmPlan = new GemmPlan(variant, 2);
        try
        {
            // A 3x3 'same' layer with edges in every GEMM dimension, and a strided 'valid' one with a 2x3 kernel.
            CheckConvolution(device, Conv2DGeometry.Create(3, 5, 9, 11, 13, 3, 3, 1, 1, Padding.Same), relu: true);
            CheckConvolution(device, Conv2DGeometry.Create(2, 4, 10, 9, 6, 2, 3, 2, 2, Padding.Valid), relu: false);
        }
        finally { device.ForcedGemmPlan = null; }
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
            var device = Device;
            device.ForcedGemmPlan = new GemmPlan(variant, 2);
            try
            {
                double[] a = RandomData.Doubles(70 * 45, 1), b = RandomData.Doubles(45 * 131, 2), c = RandomData.Doubles(70 * 131, 3);
                using var ta = Upload(device, a, 70, 45); using var tb = Upload(device, b, 131, 45); using var tc = Upload(device, c, 70, 131);
                using var ra = Upload(Reference, a, 70, 45); using var rb = Upload(Reference, b, 131, 45); using var rc = Upload(Reference, c, 70, 131);
                device.MatMul(ta, false, tb, true, tc, 0.5);
                Reference.MatMul(ra, false, rb, true, rc, 0.5);
                RandomData.AssertClose(Read<double>(tc), Read<double>(rc), 1e-13, $"{variant} float64");
            }
            finally { device.ForcedGemmPlan = null; }
        }
    }

    private static void CheckMatMul(GpuDevice device, int m, int n, int k, bool transposeA, bool transposeB, string what)
    {
        int[] aShape = transposeA ? [k, m] : [m, k], bShape = transposeB ? [n, k] : [k, n];
        float[] a = RandomData.Floats(m * k, 1), b = RandomData.Floats(k * n, 2), c = RandomData.Floats(m * n, 3);
        using var ta = Upload(device, a, aShape); using var tb = Upload(device, b, bShape); using var tc = Upload(device, c, m, n);
        using var ra = Upload(Reference, a, aShape); using var rb = Upload(Reference, b, bShape); using var rc = Upload(Reference, c, m, n);
        device.MatMul(ta, transposeA, tb, transposeB, tc, 1);
        Reference.MatMul(ra, transposeA, rb, transposeB, rc, 1);
        RandomData.AssertClose(Read<float>(tc), Read<float>(rc), 4e-6 * Math.Sqrt(k) + 2e-6, what + ", beta 1");
    }

    private static void CheckConvolution(GpuDevice device, Conv2DGeometry g, bool relu)
    {
        int[] xShape = [g.Batch, g.InChannels, g.InHeight, g.InWidth], kShape = [g.OutChannels, g.InChannels, g.KernelHeight, g.KernelWidth];
        int[] yShape = [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth];
        float[] x = RandomData.Floats(Size(xShape), 1), k = RandomData.Floats(Size(kShape), 2), bias = RandomData.Floats(g.OutChannels, 3);
        float[] dyHost = RandomData.Floats(Size(yShape), 4);
        using var tx = Upload(device, x, xShape); using var tk = Upload(device, k, kShape); using var tb = Upload(device, bias, g.OutChannels);
        using var rx = Upload(Reference, x, xShape); using var rk = Upload(Reference, k, kShape); using var rb = Upload(Reference, bias, g.OutChannels);
        using var ty = device.Allocate(DType.Float32, yShape); using var ry = Reference.Allocate(DType.Float32, yShape);
        device.Conv2DForward(tx, tk, tb, ty, g, relu);
        Reference.Conv2DForward(rx, rk, rb, ry, g, relu);
        double tolerance = 2e-5 * Math.Sqrt(g.PatchSize);
        RandomData.AssertClose(Read<float>(ty), Read<float>(ry), tolerance, "forward");

        using var tdy = Upload(device, dyHost, yShape); using var rdy = Upload(Reference, dyHost, yShape);
        using var tdx = device.Allocate(DType.Float32, xShape); using var rdx = Reference.Allocate(DType.Float32, xShape);
        using var tdk = device.Allocate(DType.Float32, kShape); using var rdk = Reference.Allocate(DType.Float32, kShape);
        device.Conv2DBackward(tx, tk, tdy, tdx, tdk, null, g);
        Reference.Conv2DBackward(rx, rk, rdy, rdx, rdk, null, g);
        RandomData.AssertClose(Read<float>(tdx), Read<float>(rdx), tolerance, "data gradient");
        RandomData.AssertClose(Read<float>(tdk), Read<float>(rdk), 2e-5 * Math.Sqrt(g.Batch * g.OutPixels), "kernel gradient");
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    private static Tensor Upload<T>(Device device, T[] data, params int[] shape) where T : unmanaged
    {
        var t = device.Allocate(DTypeExtensions.Of<T>(), shape);
        device.Upload<T>(t, data);
        return t;
    }

    private static T[] Read<T>(Tensor t) where T : unmanaged
    {
        var host = new T[t.Length];
        t.Device.Download<T>(t, host);
        return host;
    }

    [OneTimeTearDown]
    public void DisposeSimulator()
    {
        if (deviceName == TestDevices.Cuda) return;
        _simulator?.Dispose();
        _simulator = null;
    }
}
