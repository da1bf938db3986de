using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Dense's row bias and row sums on every device against the reference.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class BiasTests(string device) : DeviceFixture(device)
{
    // (rows, features): vector tails on both sides of 16 floats, and many rows.
    [TestCase(1, 1), TestCase(3, 17), TestCase(5, 33), TestCase(64, 512), TestCase(7, 1000)]
    public void Row_bias_and_row_sums_match_the_reference(int n, int f)
    {
        var (y, ry) = Pair(RandomData.Floats(n * f, 1), n, f);
        var (b, rb) = Pair(RandomData.Floats(f, 2), f);
        Device.AddRowBias(y, b); Oracle.AddRowBias(ry, rb);
        AssertMatches(y, ry, 0, "y + bias");
        var (s, rs) = Outputs(DType.Float32, f);
        Device.SumRows(y, s); Oracle.SumRows(ry, rs);
        AssertMatches(s, rs, 1e-5, "row sums");
    }
}
