namespace NativeCnn.Engine.Ops;

/// <summary>The GEMM tile shapes a GPU device can launch (<see cref="IGemmTile"/>); names give BM x BN x BK.</summary>
internal enum GemmVariant
{
    /// <summary><see cref="CpuTile"/>: ILGPU's CPU accelerator.</summary>
    Cpu16x16x128,
    /// <summary><see cref="Tile128x128x8"/>.</summary>
    Gpu128x128x8,
    /// <summary><see cref="Tile128x128x16"/>.</summary>
    Gpu128x128x16,
    /// <summary><see cref="Tile128x128x8Direct"/>.</summary>
    Gpu128x128x8Direct,
    /// <summary><see cref="Tile128x64x8"/>.</summary>
    Gpu128x64x8,
    /// <summary><see cref="Tile64x128x8"/>.</summary>
    Gpu64x128x8,
    /// <summary><see cref="Tile64x64x8"/>.</summary>
    Gpu64x64x8,
    /// <summary><see cref="Tile32x256x16"/>.</summary>
    Gpu32x256x16,
}

/// <summary>A tile shape and a split of the depth for one product.</summary>
/// <param name="Variant">The tile shape.</param>
/// <param name="Splits">Depth ranges (split-K); 1 computes each tile in one pass.</param>
internal readonly record struct GemmPlan(GemmVariant Variant, int Splits);

/// <summary>What <see cref="GemmPlanner"/> needs to know of an accelerator.</summary>
/// <param name="Multiprocessors">Streaming multiprocessors (compute units; cores on ILGPU's CPU accelerator).</param>
/// <param name="MaxThreadsPerGroup">The largest work-group.</param>
/// <param name="MaxThreadsPerMultiprocessor">Threads resident on one multiprocessor.</param>
/// <param name="SharedMemoryPerMultiprocessor">Bytes of shared memory of one multiprocessor.</param>
/// <param name="IsCpu">ILGPU's CPU accelerator.</param>
internal readonly record struct GemmTarget(int Multiprocessors, int MaxThreadsPerGroup, int MaxThreadsPerMultiprocessor, long SharedMemoryPerMultiprocessor, bool IsCpu);

/// <summary>
/// Picks a tile shape and a depth split for C (M x N) = op(A) (M x K) · op(B) (K x N) from a model of one launch: the
/// tiles (and splits) are spread over the multiprocessors in waves of as many work-groups as fit at once, each wave
/// costs the multiply-adds of its largest share divided by how well the tile reuses what it loads (larger tiles load
/// less per multiply-add), and a split adds the workspace it writes and reads back. The model's constants are rough
/// (one H200, float32): <c>bench -- gemm-sweep</c> measures every variant next to the plan's choice.
/// </summary>
internal static class GemmPlanner
{
    // Work-group registers are not known to ILGPU before compiling; 128 per thread is what an 8 x 8 register tile
    // with double-buffered staging needs (CUTLASS's SIMT kernels run at about that).
    private const int RegistersPerThread = 128, RegistersPerMultiprocessor = 65536;

    // A multiply-add per multiprocessor costs about as much time as this many bytes of device memory traffic
    // (H200: about 33 TFLOP/s float32 on 132 multiprocessors against 4.3 TB/s).
    private const double BytesPerMultiplyAdd = 0.26;

    /// <summary>The plan for one product; <paramref name="splittable"/> allows split-K. With <paramref name="only"/>, the
    /// best split for that tile shape (the variant sweep).</summary>
    public static GemmPlan Choose(int m, int n, int k, bool splittable, bool float64, GemmTarget target, GemmVariant? only = null)
    {
        if (target.IsCpu && only is null or GemmVariant.Cpu16x16x128)
            return new GemmPlan(GemmVariant.Cpu16x16x128, splittable ? CpuSplits(m, n, k, target) : 1);
        GemmPlan best = new(only ?? GemmVariant.Gpu64x64x8, 1);
        double bestCost = double.MaxValue;
        foreach (var variant in only is { } single ? [single] : Candidates(float64))
        {
            var (bm, bn, bk, threads, sharedBytes) = Shape(variant, float64 ? 8 : 4);
            if (threads > target.MaxThreadsPerGroup && only == null) continue;
            for (int splits = 1; splits <= (splittable ? 64 : 1); splits *= 2)
            {
                if (splits > 1 && (long)k < (long)splits * 4 * bk) break;
                double cost = Cost(m, n, k, splits, bm, bn, bk, threads, sharedBytes, float64 ? 8 : 4, target);
                if (cost < bestCost) (bestCost, best) = (cost, new GemmPlan(variant, splits));
            }
        }
        return best;
    }

    /// <summary>The variants considered for an element type (float64's shared memory must stay under the 48 KiB of a
    /// work-group's static shared memory).</summary>
    public static IEnumerable<GemmVariant> Candidates(bool float64) => float64
        ? [GemmVariant.Gpu128x128x8, GemmVariant.Gpu64x64x8]
        : [GemmVariant.Gpu128x128x8, GemmVariant.Gpu128x128x16, GemmVariant.Gpu128x64x8, GemmVariant.Gpu64x128x8, GemmVariant.Gpu64x64x8, GemmVariant.Gpu32x256x16];

    /// <summary>BM, BN, BK, threads and shared-memory bytes of a variant.</summary>
    public static (int Rows, int Columns, int Depth, int Threads, int SharedBytes) Shape(GemmVariant variant, int elementBytes) => variant switch
    {
        GemmVariant.Cpu16x16x128 => Of<CpuTile>(elementBytes),
        GemmVariant.Gpu128x128x8 => Of<Tile128x128x8>(elementBytes),
        GemmVariant.Gpu128x128x16 => Of<Tile128x128x16>(elementBytes),
        GemmVariant.Gpu128x128x8Direct => Of<Tile128x128x8Direct>(elementBytes),
        GemmVariant.Gpu128x64x8 => Of<Tile128x64x8>(elementBytes),
        GemmVariant.Gpu64x128x8 => Of<Tile64x128x8>(elementBytes),
        GemmVariant.Gpu64x64x8 => Of<Tile64x64x8>(elementBytes),
        GemmVariant.Gpu32x256x16 => Of<Tile32x256x16>(elementBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    private static (int, int, int, int, int) Of<TTile>(int elementBytes) where TTile : struct, IGemmTile =>
        (GemmTile.Rows<TTile>(), GemmTile.Columns<TTile>(), TTile.Depth, GemmTile.Threads<TTile>(),
            (GemmTile.SharedA<TTile>() + GemmTile.SharedB<TTile>()) * elementBytes);

    private static double Cost(int m, int n, int k, int splits, int bm, int bn, int bk, int threads, int sharedBytes, int elementBytes, GemmTarget target)
    {
        long tiles = (long)((m + bm - 1) / bm) * ((n + bn - 1) / bn);
        int resident = Math.Max(1, Math.Min(Math.Min(target.MaxThreadsPerMultiprocessor / threads, RegistersPerMultiprocessor / (threads * RegistersPerThread)),
            (int)(target.SharedMemoryPerMultiprocessor / sharedBytes)));
        long groups = tiles * splits, slots = (long)target.Multiprocessors * resident;
        long waves = (groups + slots - 1) / slots;
        long splitDepth = ((k + splits - 1) / splits + bk - 1) / bk * bk;
        // A tile loads (BM + BN)·BK per BM·BN·BK multiply-adds: relative to 128 x 128, smaller tiles run slower.
        double reuse = 2.0 / (1.0 / bm + 1.0 / bn) / 128;
        double compute = waves * resident * (double)bm * bn * splitDepth / Math.Min(1, Math.Sqrt(reuse));
        double workspace = splits > 1 ? 2.0 * splits * m * n * elementBytes / BytesPerMultiplyAdd / target.Multiprocessors : 0;
        return compute + workspace;
    }

    private static int CpuSplits(int m, int n, int k, GemmTarget target)
    {
        var (bm, bn, bk, _, _) = Shape(GemmVariant.Cpu16x16x128, 4);
        long tiles = (long)((m + bm - 1) / bm) * ((n + bn - 1) / bn);
        if (tiles >= target.Multiprocessors) return 1;
        return (int)Math.Clamp(target.Multiprocessors / tiles, 1, Math.Max(1, k / (2 * bk)));
    }
}
