namespace NativeCnn.Tests.Support;

/// <summary>Seeded random test inputs: uniform in [-1, 1), never all zeros.</summary>
internal static class RandomData
{
    public static float[] Floats(int length, int seed)
    {
        var r = new System.Random(seed);
        var a = new float[length];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(2 * r.NextDouble() - 1);
        return a;
    }

    public static double[] Doubles(int length, int seed)
    {
        var r = new System.Random(seed);
        var a = new double[length];
        for (int i = 0; i < a.Length; i++) a[i] = 2 * r.NextDouble() - 1;
        return a;
    }

    /// <summary>Asserts |a - e| ≤ tolerance · max(1, |e|) element-wise, reporting the first offender.</summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        var a = new double[actual.Length];
        var e = new double[expected.Length];
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        AssertClose(a, e, tolerance, what);
    }

    /// <summary>Asserts |a - e| ≤ tolerance · max(1, |e|) element-wise, reporting the first offender (float64).</summary>
    public static void AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what + ": length");
        for (int i = 0; i < actual.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {tolerance})");
    }
}
