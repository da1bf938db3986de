using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>The SGD and Adam updates on every device against the reference, and the reference against Keras' formulas
/// computed in double.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class OptimizerTests(string device) : DeviceFixture(device)
{
    [TestCase(1, 0.0, false), TestCase(1000, 0.0, false), TestCase(70_001, 0.9, false), TestCase(257, 0.9, true)]
    public void Sgd_matches_the_reference_and_the_keras_formula(int n, double momentum, bool nesterov)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), v = RandomData.Floats(n, 3);
        var (tp, rp) = Pair(p, n);
        var (tg, rg) = Pair(g, n);
        var (tv, rv) = Pair(v, n);
        Device.SgdUpdate(tp, tg, momentum == 0 ? null : tv, 0.01, momentum, nesterov);
        Oracle.SgdUpdate(rp, rg, momentum == 0 ? null : rv, 0.01, momentum, nesterov);
        AssertMatches(tp, rp, 1e-6, "parameter");
        AssertMatches(tv, rv, 1e-6, "velocity");
        var expected = new float[n];
        for (int i = 0; i < n; i++)
        {
            double velocity = momentum * v[i] - 0.01 * g[i];
            expected[i] = (float)(momentum == 0 ? p[i] - 0.01 * g[i] : p[i] + (nesterov ? momentum * velocity - 0.01 * g[i] : velocity));
        }
        RandomData.AssertClose(Read<float>(rp), expected, 1e-6, "Keras SGD");
    }

    [TestCase(1, 1L), TestCase(257, 3L), TestCase(70_001, 1000L)]
    public void Adam_matches_the_reference_and_the_keras_formula(int n, long t)
    {
        float[] p = RandomData.Floats(n, 1), g = RandomData.Floats(n, 2), m = RandomData.Floats(n, 3), v = RandomData.Floats(n, 4).Select(Math.Abs).ToArray();
        var (tp, rp) = Pair(p, n);
        var (tg, rg) = Pair(g, n);
        var (tm, rm) = Pair(m, n);
        var (tv, rv) = Pair(v, n);
        Device.AdamUpdate(tp, tg, tm, tv, 1e-3, 0.9, 0.999, 1e-7, t);
        Oracle.AdamUpdate(rp, rg, rm, rv, 1e-3, 0.9, 0.999, 1e-7, t);
        AssertMatches(tp, rp, 1e-6, "parameter");
        AssertMatches(tm, rm, 1e-6, "m");
        AssertMatches(tv, rv, 1e-6, "v");
        double alpha = 1e-3 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
        var expected = new float[n];
        for (int i = 0; i < n; i++)
        {
            double mi = 0.9 * m[i] + 0.1 * g[i], vi = 0.999 * v[i] + 0.001 * g[i] * g[i];
            expected[i] = (float)(p[i] - alpha * mi / (Math.Sqrt(vi) + 1e-7));
        }
        RandomData.AssertClose(Read<float>(rp), expected, 1e-5, "Keras Adam");
    }

    // Sizes around the fused update's chunks (8192): a scalar, a partial chunk, several chunks and a tail.
    private static readonly int[] TableSizes = [1, 257, 70_001];

    [TestCase(0.0, false), TestCase(0.9, false), TestCase(0.9, true)]
    public void Sgd_over_a_parameter_table_matches_the_reference_tensor_by_tensor(double momentum, bool nesterov)
    {
        var (device, oracle) = Tables(momentum > 0 ? 1 : 0);
        using (var table = Device.CreateOptimizerTable(device))
        {
            long before = Device.Counters.KernelLaunches;
            Device.SgdUpdate(table, 0.01, momentum, nesterov);
            if (table.GetType() != typeof(OptimizerTable)) Assert.That(Device.Counters.KernelLaunches - before, Is.EqualTo(1), "one launch for every parameter");
        }
        foreach (var p in oracle) Oracle.SgdUpdate(p.Value, p.Gradient, momentum > 0 ? p.State[0] : null, 0.01, momentum, nesterov);
        AssertTablesMatch(device, oracle);
    }

    [Test]
    public void Adam_over_a_parameter_table_matches_the_reference_tensor_by_tensor()
    {
        var (device, oracle) = Tables(2);
        using (var table = Device.CreateOptimizerTable(device))
        {
            long before = Device.Counters.KernelLaunches;
            Device.AdamUpdate(table, 1e-3, 0.9, 0.999, 1e-7, 7);
            if (table.GetType() != typeof(OptimizerTable)) Assert.That(Device.Counters.KernelLaunches - before, Is.EqualTo(1), "one launch for every parameter");
        }
        foreach (var p in oracle) Oracle.AdamUpdate(p.Value, p.Gradient, p.State[0], p.State[1], 1e-3, 0.9, 0.999, 1e-7, 7);
        AssertTablesMatch(device, oracle);
    }

    [Test]
    public void A_table_describes_the_same_tensors_only()
    {
        var (device, _) = Tables(1);
        using var table = Device.CreateOptimizerTable(device);
        Assert.That(table.Describes(device), Is.True);
        Assert.That(table.Describes([.. device.Reverse()]), Is.False, "another order");
        Assert.That(table.Describes([device[0] with { Gradient = device[1].Gradient }, .. device.Skip(1)]), Is.False, "another gradient tensor");
        Assert.Throws<ArgumentException>(() => Device.CreateOptimizerTable([device[0] with { Gradient = device[1].Gradient }]), "gradient of another length");
    }

    /// <summary>The same random parameters, gradients and state (v non-negative) on the device and the oracle.</summary>
    private (ParameterSlots[] Device, ParameterSlots[] Oracle) Tables(int slots)
    {
        var onDevice = new List<ParameterSlots>();
        var onOracle = new List<ParameterSlots>();
        for (int i = 0; i < TableSizes.Length; i++)
        {
            int n = TableSizes[i];
            var (p, rp) = Pair(RandomData.Floats(n, 10 * i + 1), n);
            var (g, rg) = Pair(RandomData.Floats(n, 10 * i + 2), n);
            var state = Enumerable.Range(0, slots).Select(s => Pair(RandomData.Floats(n, 10 * i + 3 + s).Select(v => s == 1 ? Math.Abs(v) : v).ToArray(), n)).ToList();
            onDevice.Add(new ParameterSlots(p, g, state.Select(t => t.OnDevice).ToArray()));
            onOracle.Add(new ParameterSlots(rp, rg, state.Select(t => t.OnOracle).ToArray()));
        }
        return ([.. onDevice], [.. onOracle]);
    }

    private static void AssertTablesMatch(ParameterSlots[] device, ParameterSlots[] oracle)
    {
        for (int i = 0; i < device.Length; i++)
        {
            AssertMatches(device[i].Value, oracle[i].Value, 1e-6, $"parameter {i}");
            for (int s = 0; s < device[i].State.Count; s++) AssertMatches(device[i].State[s], oracle[i].State[s], 1e-6, $"state {s} of parameter {i}");
        }
    }
}
