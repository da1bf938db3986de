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
}
