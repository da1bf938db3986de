using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>MatMul on every device against the reference: every transpose, beta 0 and 1, sizes that leave partial
/// tiles everywhere (the CPU's register tiles and the GPU's shared-memory tiles).</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class GemmTests(string device) : DeviceFixture(device)
{
    public static IEnumerable<TestCaseData> Cases()
    {
        int[][] sizes = [[1, 1, 1], [17, 33, 65], [70, 130, 40], [64, 64, 16]];
        foreach (int[] s in sizes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    yield return new TestCaseData(s[0], s[1], s[2], ta, tb);
    }

    [TestCaseSource(nameof(Cases))]
    public void MatMul_matches_the_reference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        int[] aShape = transposeA ? [k, m] : [m, k], bShape = transposeB ? [n, k] : [k, n];
        var (a, ra) = Pair(RandomData.Floats(m * k, 1), aShape);
        var (b, rb) = Pair(RandomData.Floats(k * n, 2), bShape);
        var (c, rc) = Pair(RandomData.Floats(m * n, 3), m, n);
        // Sums of k products of values in [-1, 1): float32 rounding grows like sqrt(k).
        double tolerance = 2e-6 * Math.Sqrt(k) + 1e-6;
        Device.MatMul(a, transposeA, b, transposeB, c, 1);
        Oracle.MatMul(ra, transposeA, rb, transposeB, rc, 1);
        AssertMatches(c, rc, 2 * tolerance, "C = op(A) op(B) + C");
        Device.Fill(c, double.NaN);
        Device.MatMul(a, transposeA, b, transposeB, c, 0);
        Oracle.MatMul(ra, transposeA, rb, transposeB, rc, 0);
        AssertMatches(c, rc, tolerance, "C = op(A) op(B) over NaN (beta 0 never reads C)");
    }

    [Test]
    public void MatMul_in_float64_matches_the_reference()
    {
        RequireFloat64();
        var (a, ra) = Pair(RandomData.Doubles(23 * 19, 1), 23, 19);
        var (b, rb) = Pair(RandomData.Doubles(19 * 31, 2), 31, 19);
        var (c, rc) = Pair(RandomData.Doubles(23 * 31, 3), 23, 31);
        Device.MatMul(a, false, b, true, c, 0.5);
        Oracle.MatMul(ra, false, rb, true, rc, 0.5);
        AssertMatches64(c, rc, 1e-13, "float64 C");
    }

    [Test]
    public void MatMul_rejects_mismatched_shapes()
    {
        var a = Track(Device.Allocate(DType.Float32, 2, 3));
        var b = Track(Device.Allocate(DType.Float32, 4, 2));
        var c = Track(Device.Allocate(DType.Float32, 2, 2));
        Assert.Throws<ArgumentException>(() => Device.MatMul(a, false, b, false, c, 0));
    }
}
