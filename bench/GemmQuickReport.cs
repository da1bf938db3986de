using System.Diagnostics;
using System.Runtime.InteropServices;
using NativeCnn.Engine.Cpu;

namespace NativeCnn.Bench;

/// <summary>
/// `dotnet run -c Release --project bench -- gemm-quick`: measures the FMA peak, then SGEMM throughput for square
/// and seed-model shapes on 1 and 2 threads, as medians of several runs (the machine is shared), and prints the
/// headline: SGEMM 1024^3 on all cores as a fraction of the measured all-core peak.
/// </summary>
public static unsafe class GemmQuickReport
{
    /// <summary>Runs the report and writes it to standard output.</summary>
    /// <param name="args">Arguments after `gemm-quick`: `--headline` limits the report to the 1024^3 figure;
    /// `--shape MxNxK` measures only that shape (1 and all threads), without the peak.</param>
    public static void Run(string[] args)
    {
        int shapeAt = Array.IndexOf(args, "--shape");
        if (shapeAt >= 0 && shapeAt + 1 < args.Length)
        {
            int[] mnk = args[shapeAt + 1].Split('x').Select(int.Parse).ToArray();
            foreach (int t in new[] { 1, Environment.ProcessorCount })
            {
                Console.WriteLine($"{args[shapeAt + 1]} threads {t}: {Measure(mnk[0], mnk[1], mnk[2], t, runs: 11):F1} GFLOP/s");
            }

            return;
        }

        bool headlineOnly = args.Contains("--headline");
        int cores = Environment.ProcessorCount;
        double peak1 = FmaPeak.OneCore();
        double peakAll = FmaPeak.AllCores();
        Console.WriteLine($"FMA peak (fp32, {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")}): " +
                          $"1 core {peak1:F1} GFLOP/s, {cores} cores {peakAll:F1} GFLOP/s (median of 7)");

        double headline = Measure(1024, 1024, 1024, cores, runs: 21);
        if (!headlineOnly)
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
                    double gflops = Measure(m, n, k, threads, runs: 11);
                    double peak = threads == 1 ? peak1 : peakAll;
                    Console.WriteLine($"{name,-26} {threads,7} {gflops,9:F1} {100 * gflops / peak,6:F1}%");
                }
            }

            Console.WriteLine();
        }

        Console.WriteLine($"SGEMM 1024^3, {cores} threads: {headline:F1} GFLOP/s = {100 * headline / peakAll:F1}% of the measured " +
                          $"{cores}-core FMA peak {peakAll:F1} GFLOP/s (median of 21 runs)");
    }

    /// <summary>Median GFLOP/s of C[m, n] = A[m, k] * B[k, n] (no transposes, beta = 0) over <paramref name="runs"/> runs,
    /// after warm-up; the shapes name conv layers as [Cout, Cin*k*k] x [Cin*k*k, images*OH*OW].</summary>
    private static double Measure(int m, int n, int k, int threads, int runs)
    {
        float* a = Alloc(m * k), b = Alloc(k * n), c = Alloc(m * n);
        try
        {
            var rng = new Random(1);
            for (int i = 0; i < m * k; i++) a[i] = (float)rng.NextDouble() - 0.5f;
            for (int i = 0; i < k * n; i++) b[i] = (float)rng.NextDouble() - 0.5f;

            // Warm up: JIT tiering, packing buffers, thread-pool threads; enough repetitions to reach ~0.2 s.
            long t0 = Stopwatch.GetTimestamp();
            int reps = 0;
            while (reps < 3 || Stopwatch.GetElapsedTime(t0).TotalSeconds < 0.2)
            {
                Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads);
                reps++;
            }

            // Time batches of calls that each take at least ~20 ms, so timer resolution does not matter.
            int batch = Math.Max(1, (int)(0.02 / (Stopwatch.GetElapsedTime(t0).TotalSeconds / reps)));
            double flops = 2.0 * m * n * k * batch;
            return FmaPeak.Median(runs, () =>
            {
                long start = Stopwatch.GetTimestamp();
                for (int r = 0; r < batch; r++)
                {
                    Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n, threads);
                }

                return flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
            });
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    private static float* Alloc(int count) => (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
}
