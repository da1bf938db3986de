using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Tests.Gpu;

/// <summary>The multiply-shift division of the GPU kernels' index arithmetic against integer division, for every
/// divisor up to 3000 and large ones, at the numerators where rounding would first go wrong (next to multiples of the
/// divisor, up to 2^31 - 1) and at random ones.</summary>
public class FastDivisorTests
{
    [Test]
    public void Divides_like_integer_division()
    {
        var random = new Random(5);
        var divisors = Enumerable.Range(1, 3000).Concat([65_537, 1_000_003, 46_341, 1 << 20, (1 << 30) + 1, int.MaxValue - 1, int.MaxValue]);
        foreach (int d in divisors)
        {
            var divisor = new FastDivisor(d);
            var numerators = new List<int> { 0, 1, d - 1, d, int.MaxValue, int.MaxValue - 1 };
            long top = (long)int.MaxValue / d * d;
            foreach (long multiple in new[] { (long)d, 2L * d, top, top - d, random.NextInt64(1, (long)int.MaxValue / d + 1) * d })
                for (long n = multiple - 1; n <= multiple + 1; n++)
                    if (n is >= 0 and <= int.MaxValue) numerators.Add((int)n);
            for (int i = 0; i < 50; i++) numerators.Add(random.Next());
            foreach (int n in numerators)
            {
                int q = divisor.Divide(n);
                if (q != n / d || divisor.Remainder(n, q) != n % d) Assert.Fail($"{n} / {d}: {q} remainder {divisor.Remainder(n, q)}, expected {n / d} remainder {n % d}");
            }
        }
    }

    [Test]
    public void Rejects_a_divisor_below_one() => Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FastDivisor(0));
}
