using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Bench;

/// <summary>
/// SGEMM throughput, C[m, n] = A[m, k] * B[k, n] (row-major, no transposes, beta = 0): square sizes from 64 to 2048,
/// a few odd sizes that miss every block multiple, and the conv/dense shapes of the seed models
/// ([Cout, Cin*kh*kw] x [Cin*kh*kw, images*OH*OW] with 8 images folded into N), on 1 and 2 threads.
/// The GFLOP/s column is 2*m*n*k / median time.
/// Run: <c>dotnet run -c Release --project bench -- --filter '*GemmBenchmarks*'</c>.
/// </summary>
[Config(typeof(GflopsConfig))]
public unsafe class GemmBenchmarks
{
    private float* a, b, c;

    /// <summary>The GEMM shapes measured.</summary>
    /// <returns>Shapes m x n x k.</returns>
    public static IEnumerable<GemmShape> Shapes() =>
    [
        new(64, 64, 64), new(128, 128, 128), new(256, 256, 256), new(512, 512, 512), new(1024, 1024, 1024),
        new(2048, 2048, 2048), new(100, 100, 100), new(333, 333, 333), new(1001, 999, 1003),
        new(64, 4608, 288), new(128, 4608, 1600), new(512, 1152, 1152), new(64, 512, 9216),
    ];

    /// <summary>The shape of the current case.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; }

    /// <summary>The maxThreads argument of the current case.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Allocates 64-byte aligned operands filled with random values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        a = Fill(Shape.M * Shape.K, rng);
        b = Fill(Shape.K * Shape.N, rng);
        c = Fill(Shape.M * Shape.N, rng);
    }

    /// <summary>Frees the operands.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(a);
        NativeMemory.AlignedFree(b);
        NativeMemory.AlignedFree(c);
    }

    /// <summary>One SGEMM call.</summary>
    [Benchmark]
    public void Sgemm() =>
        Gemm.Multiply(false, false, Shape.M, Shape.N, Shape.K, 1f, a, Shape.K, b, Shape.N, 0f, c, Shape.N, Threads);

    private static float* Fill(int count, Random rng)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);
        for (int i = 0; i < count; i++)
        {
            p[i] = (float)rng.NextDouble() - 0.5f;
        }

        return p;
    }

    /// <summary>Default BenchmarkDotNet configuration plus the GFLOP/s column.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig()
        {
            AddColumn(new GflopsColumn());
        }
    }

    /// <summary>2 * m * n * k / median time, from the case's <see cref="GemmShape"/> parameter.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);

        public string ColumnName => "GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Billions of floating-point operations per second: 2*m*n*k / median time";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Median;
            if (nanoseconds is not { } ns || benchmarkCase.Parameters["Shape"] is not GemmShape shape)
            {
                return "-";
            }

            return (2.0 * shape.M * shape.N * shape.K / ns).ToString("F1");
        }
    }
}

/// <summary>A GEMM shape: C is <paramref name="M"/> x <paramref name="N"/>, the inner dimension <paramref name="K"/>.</summary>
/// <param name="M">Rows of A and C.</param>
/// <param name="N">Columns of B and C.</param>
/// <param name="K">Columns of A, rows of B.</param>
public readonly record struct GemmShape(int M, int N, int K)
{
    /// <summary>"MxNxK", as shown in the benchmark table.</summary>
    /// <returns>The shape as text.</returns>
    public override string ToString() => $"{M}x{N}x{K}";
}
