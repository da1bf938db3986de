using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Gpu;

/// <summary>The tiled GEMM kernel against the CPU's packed GEMM: every transpose, beta 0 and 1, sizes that leave partial tiles everywhere.</summary>
public class GpuGemmTests(string backend) : GpuTestBase(backend)
{
    public static IEnumerable<TestCaseData> Cases()
    {
        int[][] sizes = [[1, 1, 1], [17, 33, 65], [130, 70, 257], [64, 64, 16]];
        foreach (int[] s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (double beta in new[] { 0.0, 1.0 })
                        yield return new TestCaseData(s[0], s[1], s[2], ta, tb, beta);
    }

    [TestCaseSource(nameof(Cases))]
    public void MatMul_matches_the_cpu(int m, int n, int k, bool transposeA, bool transposeB, double beta)
    {
        int[] aShape = transposeA ? [k, m] : [m, k], bShape = transposeB ? [n, k] : [k, n];
        float[] a = RandomData.Floats(m * k, 1), b = RandomData.Floats(k * n, 2), c = RandomData.Floats(m * n, 3);
        using var ga = Make(Gpu, a, aShape); using var gb = Make(Gpu, b, bShape); using var gc = Make(Gpu, c, m, n);
        using var ca = Make(Cpu, a, aShape); using var cb = Make(Cpu, b, bShape); using var cc = Make(Cpu, c, m, n);
        Gpu.MatMul(ga, transposeA, gb, transposeB, gc, beta);
        Cpu.MatMul(ca, transposeA, cb, transposeB, cc, beta);
        // Sums of k products of values in [-1, 1): float32 rounding grows like sqrt(k) · 2^-24 · k.
        AssertMatches(gc, cc, 1e-5 * Math.Max(1, k / 16.0), $"C = A{(transposeA ? "ᵀ" : "")}B{(transposeB ? "ᵀ" : "")} + {beta}C");
    }

    [Test]
    public void MatMul_with_beta_zero_ignores_nan_in_c()
    {
        float[] a = RandomData.Floats(6, 4), b = RandomData.Floats(6, 5);
        using var ga = Make(Gpu, a, 2, 3); using var gb = Make(Gpu, b, 3, 2);
        using var gc = Make(Gpu, Enumerable.Repeat(float.NaN, 4).ToArray(), 2, 2);
        using var ca = Make(Cpu, a, 2, 3); using var cb = Make(Cpu, b, 3, 2); using var cc = Cpu.Zeros(DType.Float32, 2, 2);
        Gpu.MatMul(ga, false, gb, false, gc, 0);
        Cpu.MatMul(ca, false, cb, false, cc, 0);
        AssertMatches(gc, cc, 1e-6, "C = AB over NaN");
    }

    [Test]
    public void MatMul_rejects_mismatched_shapes()
    {
        using var a = Gpu.Allocate(DType.Float32, 2, 3); using var b = Gpu.Allocate(DType.Float32, 4, 2); using var c = Gpu.Allocate(DType.Float32, 2, 2);
        Assert.Throws<ArgumentException>(() => Gpu.MatMul(a, false, b, false, c, 0));
    }
}
