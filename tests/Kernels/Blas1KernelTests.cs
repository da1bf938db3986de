using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Kernels;

/// <summary>AddScaled (axpy) and SumOfSquares on the CPU against scalar references, at lengths that leave vector tails, span several sum blocks and cross the multi-core threshold.</summary>
public class Blas1KernelTests
{
    private static readonly CpuDevice Device = new();
    private static readonly int[] Lengths = [1, 7, 16, 17, 33, 4095, 4097, 70_001];

    [TestCaseSource(nameof(Lengths))]
    public void Add_scaled_is_one_fused_multiply_add_per_element(int n)
    {
        float[] y = RandomData.Floats(n, 1), x = RandomData.Floats(n, 2);
        const double alpha = -0.37;
        using var ty = Device.Allocate(DType.Float32, n); Device.Upload<float>(ty, y);
        using var tx = Device.Allocate(DType.Float32, n); Device.Upload<float>(tx, x);
        Device.AddScaled(ty, tx, alpha);
        float[] expected = y.Select((v, i) => MathF.FusedMultiplyAdd((float)alpha, x[i], v)).ToArray();
        Assert.That(ty.AsSpan<float>().ToArray(), Is.EqualTo(expected), "bit for bit");
        Assert.That(tx.AsSpan<float>().ToArray(), Is.EqualTo(x), "x is read only");
    }

    [TestCaseSource(nameof(Lengths))]
    public void Add_scaled_in_float64_matches_the_formula(int n)
    {
        double[] y = RandomData.Doubles(n, 3), x = RandomData.Doubles(n, 4);
        using var ty = Device.Allocate(DType.Float64, n); Device.Upload<double>(ty, y);
        using var tx = Device.Allocate(DType.Float64, n); Device.Upload<double>(tx, x);
        Device.AddScaled(ty, tx, 2.5);
        Assert.That(ty.AsSpan<double>().ToArray(), Is.EqualTo(y.Select((v, i) => Math.FusedMultiplyAdd(2.5, x[i], v)).ToArray()));
    }

    [Test]
    public void Add_scaled_rejects_mismatched_tensors()
    {
        using var a = Device.Allocate(DType.Float32, 5);
        using var b = Device.Allocate(DType.Float32, 6);
        using var c = Device.Allocate(DType.Float64, 5);
        Assert.Throws<ArgumentException>(() => Device.AddScaled(a, b, 1));
        Assert.Throws<ArgumentException>(() => Device.AddScaled(a, c, 1));
    }

    [TestCaseSource(nameof(Lengths))]
    public void Sum_of_squares_matches_a_double_reference(int n)
    {
        // Shifted away from zero so no block's sum is tiny next to its rounding.
        float[] x = RandomData.Floats(n, 5).Select(v => 0.1f + v).ToArray();
        using var t = Device.Allocate(DType.Float32, n); Device.Upload<float>(t, x);
        double expected = x.Sum(v => (double)v * v);
        Assert.That(Device.SumOfSquares(t), Is.EqualTo(expected).Within(2e-6 * expected));

        double[] d = RandomData.Doubles(n, 6);
        using var td = Device.Allocate(DType.Float64, n); Device.Upload<double>(td, d);
        double expectedD = d.Sum(v => v * v);
        Assert.That(Device.SumOfSquares(td), Is.EqualTo(expectedD).Within(1e-13 * expectedD));
    }

    [Test]
    public void Sum_of_squares_of_an_empty_tensor_is_zero()
    {
        using var t = Device.Allocate(DType.Float32, 0);
        Assert.That(Device.SumOfSquares(t), Is.EqualTo(0));
    }
}
