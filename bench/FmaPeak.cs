using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeCnn.Bench;

/// <summary>
/// Measures this machine's floating-point peak: independent chains of register-resident Vector512 (or Vector256)
/// fused multiply-adds, with no memory traffic, on one core and on every core at once. This is the ceiling
/// against which GEMM efficiency is quoted.
/// </summary>
public static class FmaPeak
{
    /// <summary>Independent accumulator chains. Zen 5 has two 512-bit FMA pipes with 4-cycle latency, so at least
    /// 8 chains are needed to keep both pipes busy; 16 leaves headroom and still fits the 32 vector registers.</summary>
    private const int Chains = 16;

    /// <summary>Peak single-precision GFLOP/s of one core (median of <paramref name="runs"/> runs).</summary>
    /// <param name="runs">Number of timed runs; the median is returned.</param>
    /// <returns>GFLOP/s (1e9 floating-point operations per second; an FMA counts as 2).</returns>
    public static double OneCore(int runs = 7) => Median(runs, () => Measure(1));

    /// <summary>One measurement (about 40 ms) of the peak of <paramref name="threads"/> cores running together.</summary>
    /// <param name="threads">Threads to run, one FMA chain set each (at most one per core makes sense).</param>
    /// <returns>GFLOP/s summed over the threads.</returns>
    public static double MeasureOnce(int threads) => Measure(threads);

    /// <summary>Peak single-precision GFLOP/s of all cores together (<see cref="Environment.ProcessorCount"/>
    /// threads, one chain set each; median of <paramref name="runs"/> runs).</summary>
    /// <param name="runs">Number of timed runs; the median is returned.</param>
    /// <returns>GFLOP/s summed over the cores.</returns>
    public static double AllCores(int runs = 7) => Median(runs, () => Measure(Environment.ProcessorCount));

    /// <summary>Median of <paramref name="runs"/> evaluations of <paramref name="measure"/>.</summary>
    /// <param name="runs">How many times to evaluate.</param>
    /// <param name="measure">The measurement.</param>
    /// <returns>The median value.</returns>
    public static double Median(int runs, Func<double> measure)
    {
        var values = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            values[i] = measure();
        }

        Array.Sort(values);
        return runs % 2 == 1 ? values[runs / 2] : (values[runs / 2 - 1] + values[runs / 2]) / 2;
    }

    /// <summary>Runs the FMA loop on <paramref name="threads"/> threads started together; returns total GFLOP/s.</summary>
    private static double Measure(int threads)
    {
        const long iterations = 20_000_000;
        Chain(1000); // make sure the loop is JIT-compiled (and tiered up) before timing
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                start.SignalAndWait();
                Chain(iterations);
            });
            workers[t].Start();
        }

        start.SignalAndWait();
        long t0 = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        int lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;
        return 2.0 * Chains * lanes * iterations * threads / seconds / 1e9;
    }

    /// <summary>The timed loop: <see cref="Chains"/> independent FMA chains, <paramref name="iterations"/> steps each.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chain(long iterations) =>
        Vector512.IsHardwareAccelerated ? Chain512(iterations) : Chain256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chain512(long iterations)
    {
        // x * 0.999 + 0.001 converges to 1, so values stay finite and normal however long it runs.
        var mul = Vector512.Create(0.999f);
        var add = Vector512.Create(0.001f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector512<float> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, mul, add); a1 = Vector512.FusedMultiplyAdd(a1, mul, add);
            a2 = Vector512.FusedMultiplyAdd(a2, mul, add); a3 = Vector512.FusedMultiplyAdd(a3, mul, add);
            a4 = Vector512.FusedMultiplyAdd(a4, mul, add); a5 = Vector512.FusedMultiplyAdd(a5, mul, add);
            a6 = Vector512.FusedMultiplyAdd(a6, mul, add); a7 = Vector512.FusedMultiplyAdd(a7, mul, add);
            a8 = Vector512.FusedMultiplyAdd(a8, mul, add); a9 = Vector512.FusedMultiplyAdd(a9, mul, add);
            a10 = Vector512.FusedMultiplyAdd(a10, mul, add); a11 = Vector512.FusedMultiplyAdd(a11, mul, add);
            a12 = Vector512.FusedMultiplyAdd(a12, mul, add); a13 = Vector512.FusedMultiplyAdd(a13, mul, add);
            a14 = Vector512.FusedMultiplyAdd(a14, mul, add); a15 = Vector512.FusedMultiplyAdd(a15, mul, add);
        }

        // Combine the chains so none of them is dead code.
        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chain256(long iterations)
    {
        var mul = Vector256.Create(0.999f);
        var add = Vector256.Create(0.001f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector256<float> a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, mul, add); a1 = Vector256.FusedMultiplyAdd(a1, mul, add);
            a2 = Vector256.FusedMultiplyAdd(a2, mul, add); a3 = Vector256.FusedMultiplyAdd(a3, mul, add);
            a4 = Vector256.FusedMultiplyAdd(a4, mul, add); a5 = Vector256.FusedMultiplyAdd(a5, mul, add);
            a6 = Vector256.FusedMultiplyAdd(a6, mul, add); a7 = Vector256.FusedMultiplyAdd(a7, mul, add);
            a8 = Vector256.FusedMultiplyAdd(a8, mul, add); a9 = Vector256.FusedMultiplyAdd(a9, mul, add);
            a10 = Vector256.FusedMultiplyAdd(a10, mul, add); a11 = Vector256.FusedMultiplyAdd(a11, mul, add);
            a12 = Vector256.FusedMultiplyAdd(a12, mul, add); a13 = Vector256.FusedMultiplyAdd(a13, mul, add);
            a14 = Vector256.FusedMultiplyAdd(a14, mul, add); a15 = Vector256.FusedMultiplyAdd(a15, mul, add);
        }

        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector256.Sum(sum);
    }
}
