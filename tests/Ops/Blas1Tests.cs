using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>AddScaled (axpy) and SumOfSquares on every device against the reference, at lengths that leave vector tails,
/// span several of the CPU's sum blocks and cross its multi-core threshold.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class Blas1Tests(string device) : DeviceFixture(device)
{
    private static readonly int[] Lengths = [1, 7, 17, 4097, 70_001];

    [TestCaseSource(nameof(Lengths))]
    public void Add_scaled_is_one_fused_multiply_add_per_element_on_every_device(int n)
    {
        float[] y = RandomData.Floats(n, 1), x = RandomData.Floats(n, 2);
        var (ty, ry) = Pair(y, n);
        var (tx, rx) = Pair(x, n);
        Device.AddScaled(ty, tx, -0.37); Oracle.AddScaled(ry, rx, -0.37);
        // Every device rounds once per element, so they agree bit for bit, with the formula too.
        AssertMatches(ty, ry, 0, "y + alpha x");
        Assert.That(Read<float>(ry), Is.EqualTo(y.Select((v, i) => MathF.FusedMultiplyAdd(-0.37f, x[i], v)).ToArray()), "the formula");
        Assert.That(Read<float>(tx), Is.EqualTo(x), "x is read only");
    }

    [TestCaseSource(nameof(Lengths))]
    public void Add_scaled_in_float64_matches_the_formula(int n)
    {
        RequireFloat64();
        double[] y = RandomData.Doubles(n, 3), x = RandomData.Doubles(n, 4);
        var ty = Make(Device, y, n);
        Device.AddScaled(ty, Make(Device, x, n), 2.5);
        Assert.That(Read<double>(ty), Is.EqualTo(y.Select((v, i) => Math.FusedMultiplyAdd(2.5, x[i], v)).ToArray()));
    }

    [Test]
    public void Add_scaled_rejects_mismatched_tensors()
    {
        var a = Track(Device.Allocate(DType.Float32, 5));
        var b = Track(Device.Allocate(DType.Float32, 6));
        Assert.Throws<ArgumentException>(() => Device.AddScaled(a, b, 1));
        RequireFloat64();
        var c = Track(Device.Allocate(DType.Float64, 5));
        Assert.Throws<ArgumentException>(() => Device.AddScaled(a, c, 1));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Sum_of_squares_matches_the_reference(int n)
    {
        // Shifted away from zero so no partial sum is tiny next to its rounding.
        float[] x = RandomData.Floats(n, 5).Select(v => 0.1f + v).ToArray();
        var (tx, rx) = Pair(x, n);
        double expected = x.Sum(v => (double)v * v);
        Assert.That(Oracle.SumOfSquares(rx), Is.EqualTo(expected).Within(2e-6 * expected), "the oracle");
        Assert.That(Device.SumOfSquares(tx), Is.EqualTo(expected).Within(2e-6 * expected));
        RequireFloat64();
        double[] d = RandomData.Doubles(n, 6);
        double expectedD = d.Sum(v => v * v);
        Assert.That(Device.SumOfSquares(Make(Device, d, n)), Is.EqualTo(expectedD).Within(1e-13 * expectedD));
    }

    [Test]
    public void Sum_of_squares_of_an_empty_tensor_is_zero() =>
        Assert.That(Device.SumOfSquares(Track(Device.Allocate(DType.Float32, 0))), Is.EqualTo(0));
}
