using System.Diagnostics;
using System.Runtime.InteropServices;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- gemm-quick`: measures the FMA peak, then SGEMM throughput for square
/// and seed-model shapes on 1 and all threads, as medians of several runs, and prints the headline: SGEMM 1024^3
/// on all cores as a fraction of the measured all-core peak.
/// </summary>
/// <remarks>
/// The machine is shared, so other work can take a core at any moment. The headline therefore alternates peak and
/// GEMM measurements round by round and reports the median of the per-round ratios next to the plain medians:
/// a round disturbed by other work lowers both of its numbers together.
/// </remarks>
public static unsafe class GemmQuickReport
{
    /// <summary>Runs the report and writes it to standard output.</summary>
    /// <param name="args">Arguments after `gemm-quick`: `--headline` limits the report to the 1024^3 figure;
    /// `--shape MxNxK` measures only that shape (1 and all threads), without the peak.</param>
    public static void Run(string[] args)
    {
        int cores = Environment.ProcessorCount;
        int shapeAt = Array.IndexOf(args, "--shape");
        if (shapeAt >= 0 && shapeAt + 1 < args.Length)
        {
            int[] mnk = args[shapeAt + 1].Split('x').Select(int.Parse).ToArray();
            using (new SgemmRun(mnk[0], mnk[1], mnk[2], 1))
            {
                // Warm-up only (JIT tiering), see below.
            }

            // The all-core peak just before and after tells whether other work shared the cores meanwhile.
            double before = FmaPeak.Median(3, () => FmaPeak.MeasureOnce(cores));
            foreach (int threads in new[] { 1, cores })
            {
                using var gemm = new SgemmRun(mnk[0], mnk[1], mnk[2], threads);
                Console.WriteLine($"{args[shapeAt + 1]} threads {threads}: {FmaPeak.Median(11, gemm.MeasureOnce):F1} GFLOP/s (median of 11)");
            }

            double after = FmaPeak.Median(3, () => FmaPeak.MeasureOnce(cores));
            Console.WriteLine($"{cores}-core FMA peak before {before:F1}, after {after:F1} GFLOP/s");
            return;
        }

        // Warm-up: let the tiered JIT promote the GEMM code paths (small and large, 1 and all threads) to optimised
        // code before anything is timed; otherwise the first shape measures tier-0 code.
        foreach (var (m, n, k) in new[] { (64, 64, 64), (1024, 1024, 1024), (64, 4608, 288) })
        {
            foreach (int threads in new[] { 1, cores })
            {
                using var warm = new SgemmRun(m, n, k, threads);
            }
        }

        double peak1 = FmaPeak.OneCore();
        double peakAll = FmaPeak.AllCores();
        Console.WriteLine($"FMA peak (fp32, {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")}): " +
                          $"1 core {peak1:F1} GFLOP/s, {cores} cores {peakAll:F1} GFLOP/s (median of 7)");

        if (!args.Contains("--headline"))
        {
            Console.WriteLine();
            Console.WriteLine($"{"shape m x n x k",-26} {"threads",7} {"GFLOP/s",9} {"% peak",7}");
            var shapes = new (string Name, int M, int N, int K)[]
            {
                ("64^3", 64, 64, 64), ("128^3", 128, 128, 128), ("256^3", 256, 256, 256), ("512^3", 512, 512, 512),
                ("1024^3", 1024, 1024, 1024), ("2048^3", 2048, 2048, 2048), ("1000x1000x1000", 1000, 1000, 1000),
                ("conv 64x288x4608", 64, 4608, 288), ("conv 128x1600x4608", 128, 4608, 1600),
                ("conv 512x1152x1152", 512, 1152, 1152), ("dense 64x9216x512", 64, 512, 9216),
            };
            foreach (var (name, m, n, k) in shapes)
            {
                foreach (int threads in new[] { 1, cores })
                {
                    using var gemm = new SgemmRun(m, n, k, threads);
                    double gflops = FmaPeak.Median(11, gemm.MeasureOnce);
                    double peak = threads == 1 ? peak1 : peakAll;
                    Console.WriteLine($"{name,-26} {threads,7} {gflops,9:F1} {100 * gflops / peak,6:F1}%");
                }
            }

            Console.WriteLine();
        }

        // Headline: alternate all-core peak and SGEMM 1024^3 on all cores.
        const int rounds = 15;
        var gemmRuns = new double[rounds];
        var peakRuns = new double[rounds];
        var ratios = new double[rounds];
        using (var gemm = new SgemmRun(1024, 1024, 1024, cores))
        {
            for (int r = 0; r < rounds; r++)
            {
                peakRuns[r] = FmaPeak.MeasureOnce(cores);
                gemmRuns[r] = gemm.MeasureOnce();
                ratios[r] = gemmRuns[r] / peakRuns[r];
            }
        }

        static double Median(double[] values)
        {
            double[] sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        Console.WriteLine($"SGEMM 1024^3, {cores} threads: {Median(gemmRuns):F1} GFLOP/s; {cores}-core FMA peak {Median(peakRuns):F1} GFLOP/s; " +
                          $"SGEMM / peak = {100 * Median(ratios):F1}% (medians of {rounds} alternating rounds)");
    }

    /// <summary>One SGEMM problem, C[m, n] = A[m, k] * B[k, n] (no transposes, beta = 0), with random 64-byte aligned
    /// operands, warmed up (JIT tiering, packing buffers, pool threads) and timed in batches of at least ~20 ms.</summary>
    private sealed class SgemmRun : IDisposable
    {
        private readonly int m, n, k, threads, batch;
        private readonly float* a, b, c;

        public SgemmRun(int m, int n, int k, int threads)
        {
            (this.m, this.n, this.k, this.threads) = (m, n, k, threads);
            a = Alloc(m * k);
            b = Alloc(k * n);
            c = Alloc(m * n);
            var rng = new Random(1);
            for (int i = 0; i < m * k; i++) a[i] = (float)rng.NextDouble() - 0.5f;
            for (int i = 0; i < k * n; i++) b[i] = (float)rng.NextDouble() - 0.5f;

            long t0 = Stopwatch.GetTimestamp();
            int reps = 0;
            while (reps < 3 || Stopwatch.GetElapsedTime(t0).TotalSeconds < 0.3)
            {
                Call();
                reps++;
            }

            batch = Math.Max(1, (int)(0.02 / (Stopwatch.GetElapsedTime(t0).TotalSeconds / reps)));
        }

        /// <summary>Times one batch of calls.</summary>
        /// <returns>GFLOP/s of the batch (2*m*n*k per call).</returns>
        public double MeasureOnce()
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < batch; r++)
            {
                Call();
            }

            return 2.0 * m * n * k * batch / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }

        public void Dispose()
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }

        private void Call() => Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads);

        private static float* Alloc(int count) => (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
    }
}
