using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// General matrix multiply (GEMM) for row-major matrices, BLIS style:
/// <c>C = alpha * op(A) * op(B) + beta * C</c>.
/// </summary>
/// <remarks>
/// <para>
/// Structure (Goto / BLIS, "Anatomy of High-Performance Matrix Multiplication", Goto and van de Geijn 2008;
/// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", Van Zee and van de Geijn 2015):
/// </para>
/// <code>
/// for jc in 0..n step NC                      (B block of NC columns; lives in L3)
///   for pc in 0..k step KC                    (rank-KC update)
///     pack op(B)[pc.., jc..] into NR-column packed panels      -> packed B (KC x NC)
///     for ic in 0..m step MC
///       pack op(A)[ic.., pc..] into MR-row packed panels       -> packed A (MC x KC, lives in L2)
///       for jr in 0..NC step NR                 (one KC x NR panel of packed B, streamed from L2)
///         for ir in 0..MC step MR               (one MR x KC panel of packed A, from L2 into L1)
///           micro-kernel: MR x NR tile += A panel * B panel  (accumulators in registers)
/// </code>
/// <para>
/// Packing copies every operand into the order the micro-kernel reads it (unit stride, 64-byte aligned),
/// so one micro-kernel serves all four transpose combinations, and edge panels are padded with zeros so the
/// micro-kernel never needs a bounds check. (Exceptions: for thin problems a non-transposed B is read in place, see
/// <see cref="DirectBMaxRows"/>; and a row-major A is packed by the Vector512 micro-kernel itself while it computes
/// with the first B panel, see <see cref="PackingPanel{T}"/>.) Full tiles are updated (alpha, beta) straight from the accumulator
/// registers; partial tiles (m % MR, n % NR) are computed whole into a small tile buffer and copied out.
/// </para>
/// <para>
/// Micro-kernels: with AVX-512 (<see cref="Vector512.IsHardwareAccelerated"/>) MR = 6 rows x NR = 4 vectors
/// (64 floats / 32 doubles): 24 accumulators + 4 B vectors + 1 broadcast A element of the 32 zmm registers.
/// 24 independent FMA chains cover the FMA latency (4 cycles) times the two 512-bit FMA pipes of Zen 5 three
/// times over. (A 14 x 2-vector tile, 28 accumulators, was measured too: equal at 1024^3 but up to 20% slower
/// on the seed models' 64- and 128-row GEMMs, which it covers with 70 and 140 rows.) Without AVX-512, a
/// Vector256 kernel with MR = 6 x NR = 2 vectors (12 accumulators of 16 ymm registers, the classic Haswell
/// shape); without SIMD, a scalar 4 x 4 kernel.
/// </para>
/// <para>
/// Small float32 products of the form A · B^T with deep k (convolution kernel gradients) take the inner-product form
/// instead (GemmInnerProduct.cs): no packing, measured 1.1-3x faster on those shapes.
/// </para>
/// <para>
/// Threads: C is cut into bands (along N when n &gt; m, else along M, at multiples of NR / MR) and each thread
/// runs the whole blocked algorithm on its bands with its own packing buffers. The operand every band needs in
/// full (B for bands of rows, A for bands of columns) is packed once, cooperatively, in a first parallel phase
/// when it fits in half of L3. Small problems run on the calling thread.
/// </para>
/// </remarks>
public static unsafe partial class Gemm
{
    // Cache sizes of the target machine (AMD Zen 5): L1d 48 KiB and L2 1 MiB per core, L3 32 MiB shared.
    // The blocking below uses a fraction of each level, leaving room for the other operand streams and for C.
    private const int L2Bytes = 1 << 20;
    private const int L3Bytes = 32 << 20;

    /// <summary>
    /// Depth of a rank-KC update, in elements. Each micro-kernel call reads and writes its C tile once
    /// (2 * MR vectors each way) for KC * MR * 2 FMAs, so a deep KC amortises the C traffic; and every extra
    /// rank-KC pass over C costs another read-modify-write of all of C. The KC x NR packed B panel (512 x 256 bytes
    /// = 128 KiB) is then larger than the 48 KiB L1d, but the micro-kernel reads it sequentially at 256 bytes per
    /// 12 cycles, which the L2 prefetcher sustains easily (the MR x KC A panel, 12 KiB, stays in L1).
    /// Measured on Zen 5 at 1024^3 (with the earlier 14 x 2-vector kernel), KC = 256 / 512 / 1024 gave about
    /// 203 / 218 / 225 GFLOP/s on one core; 512 keeps packed A (MC x KC) at a useful height within half of L2.
    /// </summary>
    private const int DefaultKC = 512;

    /// <summary>Minimum multiply-adds (m * n * k) before a GEMM is split across threads: below this the cost of
    /// waking a pool thread (several microseconds) is not paid back.</summary>
    private const long ParallelThresholdMacs = 128L * 128 * 128;

    /// <summary>Largest operand (bytes, packed) that threads pack once and share: half of L3, so that it stays
    /// resident while both cores stream it.</summary>
    private const long SharedPackLimitBytes = L3Bytes / 2;

    /// <summary>Bands of C per thread when the shared operand is packed once (dynamic load balancing).</summary>
    private const int BandsPerThread = 4;

    /// <summary>
    /// Up to this many rows (m of the calling thread's rectangle), a non-transposed B is read in place rather than
    /// packed. Measured on one Zen 5 core (CPU-time medians, with the earlier 14 x 2-vector kernel):
    /// conv 64x288x(8*576) 150 -> 210 GFLOP/s, conv 128x1600x(8*576) 173 -> 178, dense 64x9216x512 157 -> 153
    /// (there B's rows are 2 KiB apart and alias in L1).
    /// </summary>
    private const int DirectBMaxRows = 128;

    /// <summary>The micro-kernel families, from fastest to most portable.</summary>
    internal enum KernelKind
    {
        /// <summary>Scalar 4 x 4 kernel: runs everywhere.</summary>
        Scalar,

        /// <summary>Vector256 kernel, 6 rows x 2 vectors.</summary>
        Vector256,

        /// <summary>Vector512 kernel, 6 rows x 4 vectors.</summary>
        Vector512,
    }

    /// <summary>The kernel used when none is forced: the widest one the hardware accelerates.</summary>
    internal static KernelKind BestKernel =>
        Vector512.IsHardwareAccelerated ? KernelKind.Vector512
        : Vector256.IsHardwareAccelerated ? KernelKind.Vector256
        : KernelKind.Scalar;

    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c> for row-major matrices, with BLAS semantics.
    /// </summary>
    /// <typeparam name="T">Element type: <see cref="float"/> (the fast path) or <see cref="double"/>.</typeparam>
    /// <param name="transposeA">
    /// False: op(A) = A, stored m x k with row stride <paramref name="lda"/>.
    /// True: op(A) = A^T, A stored k x m with row stride <paramref name="lda"/>.
    /// </param>
    /// <param name="transposeB">
    /// False: op(B) = B, stored k x n with row stride <paramref name="ldb"/>.
    /// True: op(B) = B^T, B stored n x k with row stride <paramref name="ldb"/>.
    /// </param>
    /// <param name="m">Rows of op(A) and of C; &gt;= 0.</param>
    /// <param name="n">Columns of op(B) and of C; &gt;= 0.</param>
    /// <param name="k">Columns of op(A) = rows of op(B); &gt;= 0. When 0 (or <paramref name="alpha"/> is 0)
    /// the result is <c>C = beta * C</c> and A and B are not read.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">First element of A (read only).</param>
    /// <param name="lda">Row stride of A in elements: &gt;= max(1, k) if not transposed, &gt;= max(1, m) if transposed.</param>
    /// <param name="b">First element of B (read only).</param>
    /// <param name="ldb">Row stride of B in elements: &gt;= max(1, n) if not transposed, &gt;= max(1, k) if transposed.</param>
    /// <param name="beta">Scale of the existing C. When 0, C is overwritten without being read (it may hold NaN).</param>
    /// <param name="c">First element of C, m x n, updated in place. Must not overlap A or B.</param>
    /// <param name="ldc">Row stride of C in elements, &gt;= max(1, n).</param>
    /// <param name="maxThreads">
    /// -1: use every core (<see cref="Environment.ProcessorCount"/>); 1: run on the calling thread only (for callers
    /// that already parallelise, e.g. over a batch); any other positive value caps the thread count.
    /// Small problems always run on the calling thread.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, a leading dimension is too small, or
    /// <paramref name="maxThreads"/> is 0 or below -1 (the exception names the parameter).</exception>
    /// <exception cref="ArgumentNullException">A matrix that must be accessed is a null pointer.</exception>
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb,
        T beta, T* c, int ldc, int maxThreads = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Multiply(BestKernel, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxThreads);
    }

    /// <summary>
    /// <see cref="Multiply{T}(bool, bool, int, int, int, T, T*, int, T*, int, T, T*, int, int)"/> with a chosen
    /// micro-kernel family, so tests can exercise the fallbacks on any machine. <paramref name="kernel"/> must be
    /// supported by the hardware or be <see cref="KernelKind.Scalar"/> (Vector256 runs in software elsewhere, slowly).
    /// </summary>
    internal static void Multiply<T>(
        KernelKind kernel, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb,
        T beta, T* c, int ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, maxThreads);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        var blocking = Blocking.For<T>(kernel);
        int threads = ThreadCount(maxThreads, m, n, k, blocking);
        if (kernel == KernelKind.Vector512 && typeof(T) == typeof(float) && !transposeA && transposeB && InnerProductApplies(m, n, k))
        {
            MultiplyInnerProduct(m, n, k, float.CreateTruncating(alpha), (float*)a, lda, (float*)b, ldb, float.CreateTruncating(beta), (float*)c, ldc, threads);
            return;
        }

        var problem = new Problem<T>(transposeA, transposeB, alpha, a, lda, b, ldb, beta, c, ldc, m, n, k);
        if (threads <= 1)
        {
            Blocked(in problem, blocking, 0, m, 0, n);
            return;
        }

        // C is cut into bands along its longer side, so the operand every band needs in full (B when splitting M,
        // A when splitting N) is the smaller one; cuts fall on multiples of the register tile so no band gets
        // extra partial tiles.
        bool splitN = n > m;
        int extent = splitN ? n : m;
        int unit = splitN ? blocking.NR : blocking.MR;
        int units = (extent + unit - 1) / unit;
        threads = Math.Min(threads, units);

        // The shared operand is packed once, all threads packing a share of its panels, into a buffer of the
        // calling thread (busy in Parallel.For meanwhile), when it fits comfortably in L3; otherwise every thread
        // packs it for itself. Two Parallel.For calls, so the second phase starts only when packing is complete
        // (a barrier inside one Parallel.For could deadlock: its iterations are not guaranteed to run concurrently).
        long sharedElements = (long)k * (splitN ? RoundUp(m, blocking.MR) : RoundUp(n, blocking.NR));
        T* shared = sharedElements * sizeof(T) <= SharedPackLimitBytes
            ? (T*)Workspace.Current.Shared(sharedElements * sizeof(T))
            : null;

        // With the shared operand packed once, cutting C into more bands than threads costs nothing extra (each band
        // packs only its own rows of the other operand), and Parallel.For hands the bands out dynamically: if
        // other work on the machine slows one core, the other thread takes more bands instead of waiting.
        int count = shared != null ? Math.Min(units, threads * BandsPerThread) : threads;
        var parts = new ParallelParts<T>(problem, blocking, splitN, unit, units, count, shared);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        if (shared != null)
        {
            Parallel.For(0, count, options, parts.PackShared);
        }

        Parallel.For(0, count, options, parts.Run);
    }

    /// <summary>Checks the arguments of a GEMM call; shared with <see cref="GemmReference"/>.</summary>
    internal static void Validate<T>(
        bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T* c, int ldc, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, Math.Max(1, transposeA ? m : k));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, Math.Max(1, transposeB ? k : n));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, Math.Max(1, n));
        if (maxThreads == 0 || maxThreads < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "Must be -1 (all cores) or positive.");
        }

        bool readsProduct = m > 0 && n > 0 && k > 0 && alpha != T.Zero;
        if (readsProduct && a == null)
        {
            throw new ArgumentNullException(nameof(a));
        }

        if (readsProduct && b == null)
        {
            throw new ArgumentNullException(nameof(b));
        }

        if (m > 0 && n > 0 && c == null)
        {
            throw new ArgumentNullException(nameof(c));
        }
    }

    /// <summary>Threads to use: the request, capped by the core count, and 1 for problems too small to share.</summary>
    private static int ThreadCount(int maxThreads, int m, int n, int k, Blocking blocking)
    {
        int threads = maxThreads == -1 ? Environment.ProcessorCount : Math.Min(maxThreads, Environment.ProcessorCount);
        if (threads <= 1 || (long)m * n * k < ParallelThresholdMacs)
        {
            return 1;
        }

        // Each thread should get at least one full register tile along the split side.
        int tiles = n > m ? (n + blocking.NR - 1) / blocking.NR : (m + blocking.MR - 1) / blocking.MR;
        return Math.Min(threads, tiles);
    }

    /// <summary>C = beta * C, without reading C when beta is 0.</summary>
    private static void ScaleC<T>(int m, int n, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<T>(c + (long)i * ldc, n);
            if (beta == T.Zero)
            {
                row.Clear();
            }
            else if (beta != T.One)
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    /// <summary>
    /// The blocked algorithm (see the class remarks) on the rectangle rows [i0, i1) x columns [j0, j1) of C,
    /// on the calling thread, with its thread-local packing buffers.
    /// </summary>
    /// <param name="p">The GEMM arguments.</param>
    /// <param name="blk">Register tile and cache blocks.</param>
    /// <param name="i0">First row of the rectangle (a multiple of MR).</param>
    /// <param name="i1">End of the rows.</param>
    /// <param name="j0">First column of the rectangle (a multiple of NR).</param>
    /// <param name="j1">End of the columns.</param>
    /// <param name="sharedA">All of op(A) already packed (see <see cref="PackShared{T}"/>), or null to pack here.</param>
    /// <param name="sharedB">All of op(B) already packed, or null to pack here.</param>
    private static void Blocked<T>(in Problem<T> p, Blocking blk, int i0, int i1, int j0, int j1, T* sharedA = null, T* sharedB = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = i1 - i0, n = j1 - j0, k = p.K;
        int mr = blk.MR, nr = blk.NR;

        // Balanced block sizes: ceil(extent / blocks) rounded up to the register tile, so that e.g. m = 512 with
        // MC = 504 becomes two blocks of 256 rather than 504 + 8 (a block of mostly padding).
        int kc = BalancedBlock(k, blk.KC, 1);
        int mc = BalancedBlock(m, blk.MC, mr);
        int nc = BalancedBlock(n, blk.NC, nr);

        var ws = Workspace.Current;
        T* packedA = (T*)ws.PackedA(RoundUp(mc, mr) * kc * sizeof(T));
        T* packedB = (T*)ws.PackedB(RoundUp(nc, nr) * kc * sizeof(T));
        T* tile = (T*)ws.Tile(mr * nr * sizeof(T));

        // Strides of op(A) (rows i, columns p) and of op(B)^T (rows j, columns p) in the stored matrices;
        // packing op(B) into NR-column panels is packing op(B)^T into NR-row panels, so one routine packs both.
        long aRow = p.TransposeA ? 1 : p.Lda, aCol = p.TransposeA ? p.Lda : 1;
        long bRow = p.TransposeB ? p.Ldb : 1, bCol = p.TransposeB ? 1 : p.Ldb;

        // With few rows, each packed B element would feed only m / MR micro-kernel calls, so packing B costs about as
        // much as the arithmetic on it (conv layers: m = output channels, n = images * pixels). When op(B) = B its
        // NR-element runs are already contiguous, so the micro-kernel reads full panels in place instead.
        bool directB = sharedB == null && !p.TransposeB && m <= DirectBMaxRows;

        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncCur = Math.Min(nc, j1 - jc);
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcCur = Math.Min(kc, k - pc);

                // Later rank-KC updates accumulate onto the earlier ones.
                T beta = pc == 0 ? p.Beta : T.One;
                T* bBlock = sharedB != null ? sharedB + SharedOffset(pc, RoundUp(p.N, nr), jc, kcCur)
                    : directB ? null
                    : PackPanels(p.B + jc * bRow + pc * bCol, bRow, bCol, ncCur, kcCur, nr, packedB);

                for (int ic = i0; ic < i1; ic += mc)
                {
                    int mcCur = Math.Min(mc, i1 - ic);
                    // A row-major op(A) is packed by the micro-kernel itself during the first B panel (PackingPanel).
                    bool packWhileComputing = sharedA == null && !p.TransposeA && blk.Kernel == KernelKind.Vector512;
                    T* aBlock = sharedA != null ? sharedA + SharedOffset(pc, RoundUp(p.M, mr), ic, kcCur)
                        : packWhileComputing ? packedA
                        : PackPanels(p.A + ic * aRow + pc * aCol, aRow, aCol, mcCur, kcCur, mr, packedA);

                    for (int jr = 0; jr < ncCur; jr += nr)
                    {
                        int nrCur = Math.Min(nr, ncCur - jr);
                        T* bPanel = bBlock + (long)jr * kcCur;
                        int bStride = nr;
                        if (directB)
                        {
                            // Full panels straight from B; the edge panel is packed (zero padded) as usual.
                            T* bRun = p.B + ((long)pc * p.Ldb) + jc + jr;
                            bPanel = nrCur == nr ? bRun : PackPanels(bRun, 1, p.Ldb, nrCur, kcCur, nr, packedB);
                            bStride = nrCur == nr ? p.Ldb : nr;
                        }

                        for (int ir = 0; ir < mcCur; ir += mr)
                        {
                            int mrCur = Math.Min(mr, mcCur - ir);
                            T* aPanel = aBlock + (long)ir * kcCur;
                            T* cTile = p.C + (long)(ic + ir) * p.Ldc + jc + jr;
                            PrefetchTile(cTile, p.Ldc, mrCur, nrCur * sizeof(T));
                            // A full tile is updated (alpha, beta) straight from the micro-kernel's registers; an edge
                            // tile is computed whole (the padding rows/columns are zeros) into the tile buffer, then only
                            // its mrCur x nrCur part of C is updated.
                            bool full = mrCur == mr && nrCur == nr;
                            T* target = full ? cTile : tile;
                            int ldTarget = full ? p.Ldc : nr;
                            T tileAlpha = full ? p.Alpha : T.One, tileBeta = full ? beta : T.Zero;
                            T* rows = p.A + ((ic + ir) * aRow) + (pc * aCol);
                            if (packWhileComputing && jr == 0 && mrCur == mr)
                            {
                                MicroKernel512(kcCur, new PackingPanel<T>(rows, aRow, aPanel), bPanel, bStride, target, ldTarget, tileAlpha, tileBeta);
                            }
                            else
                            {
                                if (packWhileComputing && jr == 0)
                                {
                                    // The last, partial panel is padded with zero rows: packed the usual way.
                                    PackPanels(rows, aRow, aCol, mrCur, kcCur, mr, aPanel);
                                }

                                MicroKernel(blk.Kernel, kcCur, aPanel, bPanel, bStride, target, ldTarget, tileAlpha, tileBeta);
                            }

                            if (!full)
                            {
                                UpdateC(tile, nr, mrCur, nrCur, p.Alpha, beta, cTile, p.Ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Asks for the C tile's cache lines before the micro-kernel runs, so the read-modify-write after it does not wait
    /// for memory: the tile's rows are ldc apart, a pattern the hardware prefetchers do not follow, and with C larger
    /// than the caches each row would otherwise be a demand miss. The micro-kernel's KC steps hide the latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile<T>(T* c, int ldc, int rows, int rowBytes)
        where T : unmanaged
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (int i = 0; i < rows; i++, c += ldc)
        {
            for (int offset = 0; offset < rowBytes; offset += 64)
            {
                Sse.Prefetch0((byte*)c + offset);
            }
        }
    }

    /// <summary>Block size for an extent: the fewest blocks of at most <paramref name="max"/>, made equal in size
    /// and rounded up to a multiple of <paramref name="multiple"/>.</summary>
    private static int BalancedBlock(int extent, int max, int multiple)
    {
        int blocks = (extent + max - 1) / max;
        int size = (extent + blocks - 1) / blocks;
        return Math.Min(RoundUp(size, multiple), max);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Packs the rows x depth matrix X (element (i, p) at <c>x[i * rowStride + p * colStride]</c>) into packed
    /// panels of <paramref name="w"/> rows: panel q holds rows q*w .. q*w+w-1 as <c>dst[q*w*depth + p*w + i]</c>,
    /// i.e. for each p the w elements the micro-kernel needs at step p are adjacent. The last panel is padded with
    /// zeros up to w rows.
    /// </summary>
    /// <returns><paramref name="dst"/>.</returns>
    private static T* PackPanels<T>(T* x, long rowStride, long colStride, int rows, int depth, int w, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* packed = dst;
        if (rowStride == 1)
        {
            // X's rows are adjacent in memory, so step p of every panel comes from one contiguous source line
            // x[p * colStride ..]. Walk the source line by line (sequential reads, which the hardware prefetcher
            // streams from DRAM) and deal each line out to the panels in runs of w elements.
            long panelSize = (long)w * depth;
            for (int p = 0; p < depth; p++)
            {
                T* s = x + p * colStride;
                T* d = dst + p * w;
                for (int i0 = 0; i0 < rows; i0 += w, s += w, d += panelSize)
                {
                    int h = Math.Min(w, rows - i0);
                    CopyRun(s, d, h);
                    if (h < w)
                    {
                        new Span<T>(d + h, w - h).Clear();
                    }
                }
            }

            return packed;
        }

        // Each row of X is contiguous along p (colStride == 1): packing is a transpose. For each panel, visit its h
        // rows in turn, copying 8 steps of each into the panel (which stays in L1): every row stream is read
        // sequentially and each visit uses a good part of a cache line, even when the row stride is a multiple of
        // 4 KiB and all h rows compete for one L1 set.
        for (int i0 = 0; i0 < rows; i0 += w, dst += (long)w * depth)
        {
            int h = Math.Min(w, rows - i0);
            T* src = x + i0 * rowStride;
            const int steps = 8;
            int p = 0;
            if (typeof(T) == typeof(float) && Avx512F.IsSupported && h == w && w % 16 == 0)
            {
                // Full float panels (the NR = 64 panels of a transposed B): 16 x 16 blocks transposed in registers,
                // about a tenth of the instructions of the element-by-element copy below.
                for (; p + 16 <= depth; p += 16)
                {
                    for (int i = 0; i < w; i += 16)
                    {
                        Transpose.Block16x16((float*)(src + i * rowStride + p), rowStride, (float*)(dst + p * w + i), w);
                    }
                }
            }

            for (; p + steps <= depth; p += steps)
            {
                T* s = src + p;
                T* d = dst + p * w;
                for (int i = 0; i < h; i++, s += rowStride, d++)
                {
                    T* d4 = d + 4 * w;
                    d[0] = s[0];
                    d[w] = s[1];
                    d[2 * w] = s[2];
                    d[3 * w] = s[3];
                    d4[0] = s[4];
                    d4[w] = s[5];
                    d4[2 * w] = s[6];
                    d4[3 * w] = s[7];
                }
            }

            for (; p < depth; p++)
            {
                T* s = src + p;
                T* d = dst + p * w;
                for (int i = 0; i < h; i++, s += rowStride)
                {
                    d[i] = s[0];
                }
            }

            if (h < w)
            {
                for (p = 0; p < depth; p++)
                {
                    new Span<T>(dst + p * w + h, w - h).Clear();
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// Packs rows [r0, r1) (multiples of the panel width, or r1 = the full extent) of a whole operand, every rank-KC
    /// block of it, into the shared layout read by <see cref="Blocked{T}"/>: block pc (depth kc) starts at element
    /// pc * extentPadded, and within it the panel holding row r starts at r * kc (see <see cref="SharedOffset"/>).
    /// </summary>
    private static void PackShared<T>(T* x, long rowStride, long colStride, int r0, int r1, int extent, int k, int kc, int w, T* shared)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int extentPadded = RoundUp(extent, w);
        for (int pc = 0; pc < k; pc += kc)
        {
            int kcCur = Math.Min(kc, k - pc);
            PackPanels(x + r0 * rowStride + pc * colStride, rowStride, colStride, r1 - r0, kcCur, w, shared + SharedOffset(pc, extentPadded, r0, kcCur));
        }
    }

    /// <summary>Offset in a shared packed operand of the panel starting at row <paramref name="row"/> (a multiple
    /// of the panel width) of the rank-KC block starting at depth <paramref name="pc"/> with depth <paramref name="kc"/>.</summary>
    private static long SharedOffset(int pc, int extentPadded, int row, int kc) => ((long)pc * extentPadded) + ((long)row * kc);

    /// <summary>Copies <paramref name="count"/> contiguous elements with the widest vectors that fit; the last vector
    /// is aligned to the end of the run and may overlap the previous one (e.g. 14 floats = two 8-float vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun<T>(T* s, T* d, int count)
        where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated && count >= Vector512<T>.Count)
        {
            int i = 0;
            for (; i + Vector512<T>.Count < count; i += Vector512<T>.Count)
            {
                Vector512.Store(Vector512.Load(s + i), d + i);
            }

            i = count - Vector512<T>.Count;
            Vector512.Store(Vector512.Load(s + i), d + i);
        }
        else if (Vector256.IsHardwareAccelerated && count >= Vector256<T>.Count)
        {
            int i = 0;
            for (; i + Vector256<T>.Count < count; i += Vector256<T>.Count)
            {
                Vector256.Store(Vector256.Load(s + i), d + i);
            }

            i = count - Vector256<T>.Count;
            Vector256.Store(Vector256.Load(s + i), d + i);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                d[i] = s[i];
            }
        }
    }

    /// <summary>C[mr, nr] = alpha * tile[mr, nr] + beta * C (C not read when beta is 0); the tile has row stride
    /// <paramref name="tileStride"/>.</summary>
    private static void UpdateC<T>(T* tile, int tileStride, int mr, int nr, T alpha, T beta, T* c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool readC = beta != T.Zero;
        for (int i = 0; i < mr; i++, tile += tileStride, c += ldc)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var va = Vector512.Create(alpha);
                var vb = Vector512.Create(beta);
                for (; j + Vector512<T>.Count <= nr; j += Vector512<T>.Count)
                {
                    var v = Vector512.Load(tile + j) * va;
                    if (readC)
                    {
                        v = VectorMath.Fma(Vector512.Load(c + j), vb, v);
                    }

                    Vector512.Store(v, c + j);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var va = Vector256.Create(alpha);
                var vb = Vector256.Create(beta);
                for (; j + Vector256<T>.Count <= nr; j += Vector256<T>.Count)
                {
                    var v = Vector256.Load(tile + j) * va;
                    if (readC)
                    {
                        v += Vector256.Load(c + j) * vb;
                    }

                    Vector256.Store(v, c + j);
                }
            }

            for (; j < nr; j++)
            {
                c[j] = readC ? alpha * tile[j] + beta * c[j] : alpha * tile[j];
            }
        }
    }

    /// <summary>
    /// Runs the micro-kernel of the given family on a packed A panel (MR x kc) and a B panel (kc steps of NR
    /// contiguous elements, <paramref name="bStride"/> elements apart: NR when packed, ldb when read in place):
    /// <c>C[MR, NR] = alpha * (A panel * B panel) + beta * C</c> for the full tile at <paramref name="c"/> (row stride
    /// <paramref name="ldc"/>); C is not read when beta is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<T>(KernelKind kernel, int kc, T* a, T* b, int bStride, T* c, int ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kernel)
        {
            case KernelKind.Vector512:
                MicroKernel512(kc, new PackedPanel<T>(a), b, bStride, c, ldc, alpha, beta);
                break;
            case KernelKind.Vector256:
                MicroKernel256(kc, a, b, bStride, c, ldc, alpha, beta);
                break;
            default:
                MicroKernelScalar(kc, a, b, bStride, c, ldc, alpha, beta);
                break;
        }
    }

    /// <summary>Vector512 micro-kernel, MR = 6 x NR = 4 vectors (64 floats / 32 doubles); contract as
    /// <see cref="MicroKernel{T}"/>. a: the A panel, read step by step (<see cref="PackedPanel{T}"/>, or
    /// <see cref="PackingPanel{T}"/> to pack it on the way), b: kc steps of 4 vectors.</summary>
    /// <remarks>Register budget (32 zmm): 24 accumulators + 4 B vectors + 1 broadcast A element. Per step: 4 vector
    /// loads, 6 broadcasts, 24 FMAs, i.e. 12 cycles at 2 FMAs per cycle, with loads well under the 2 per cycle
    /// limit. The JIT keeps all accumulators in registers, no spills (checked with DOTNET_JitDisasm).</remarks>
    private static void MicroKernel512<T, TPanel>(int kc, TPanel a, T* b, int bStride, T* c, int ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPanel : struct, IPanelA<T, TPanel>
    {
        int l = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<T> c50 = default, c51 = default, c52 = default, c53 = default;

        for (int p = 0; p < kc; p++, a = a.Next(), b += bStride)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + l);
            var b2 = Vector512.Load(b + 2 * l);
            var b3 = Vector512.Load(b + 3 * l);
            var ai = Vector512.Create(a.Read(0));
            c00 = VectorMath.Fma(ai, b0, c00); c01 = VectorMath.Fma(ai, b1, c01); c02 = VectorMath.Fma(ai, b2, c02); c03 = VectorMath.Fma(ai, b3, c03);
            ai = Vector512.Create(a.Read(1));
            c10 = VectorMath.Fma(ai, b0, c10); c11 = VectorMath.Fma(ai, b1, c11); c12 = VectorMath.Fma(ai, b2, c12); c13 = VectorMath.Fma(ai, b3, c13);
            ai = Vector512.Create(a.Read(2));
            c20 = VectorMath.Fma(ai, b0, c20); c21 = VectorMath.Fma(ai, b1, c21); c22 = VectorMath.Fma(ai, b2, c22); c23 = VectorMath.Fma(ai, b3, c23);
            ai = Vector512.Create(a.Read(3));
            c30 = VectorMath.Fma(ai, b0, c30); c31 = VectorMath.Fma(ai, b1, c31); c32 = VectorMath.Fma(ai, b2, c32); c33 = VectorMath.Fma(ai, b3, c33);
            ai = Vector512.Create(a.Read(4));
            c40 = VectorMath.Fma(ai, b0, c40); c41 = VectorMath.Fma(ai, b1, c41); c42 = VectorMath.Fma(ai, b2, c42); c43 = VectorMath.Fma(ai, b3, c43);
            ai = Vector512.Create(a.Read(5));
            c50 = VectorMath.Fma(ai, b0, c50); c51 = VectorMath.Fma(ai, b1, c51); c52 = VectorMath.Fma(ai, b2, c52); c53 = VectorMath.Fma(ai, b3, c53);
        }

        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        bool readC = beta != T.Zero;
        StoreRow(c + 0 * ldc, c00, c01, va, vb, readC); StoreRow(c + 0 * ldc + 2 * l, c02, c03, va, vb, readC);
        StoreRow(c + 1 * ldc, c10, c11, va, vb, readC); StoreRow(c + 1 * ldc + 2 * l, c12, c13, va, vb, readC);
        StoreRow(c + 2 * ldc, c20, c21, va, vb, readC); StoreRow(c + 2 * ldc + 2 * l, c22, c23, va, vb, readC);
        StoreRow(c + 3 * ldc, c30, c31, va, vb, readC); StoreRow(c + 3 * ldc + 2 * l, c32, c33, va, vb, readC);
        StoreRow(c + 4 * ldc, c40, c41, va, vb, readC); StoreRow(c + 4 * ldc + 2 * l, c42, c43, va, vb, readC);
        StoreRow(c + 5 * ldc, c50, c51, va, vb, readC); StoreRow(c + 5 * ldc + 2 * l, c52, c53, va, vb, readC);
    }

    /// <summary>How a micro-kernel reads its A panel, 6 elements per step: one struct type per source, so the JIT compiles
    /// the kernel once for each with the reads inlined.</summary>
    private interface IPanelA<T, TSelf>
        where T : unmanaged
        where TSelf : struct, IPanelA<T, TSelf>
    {
        /// <summary>Element of row <paramref name="row"/> (0-5) at the current step.</summary>
        T Read(int row);

        /// <summary>The reader at the next step.</summary>
        TSelf Next();
    }

    /// <summary>A packed panel: step p at a[6p .. 6p + 5].</summary>
    private readonly struct PackedPanel<T>(T* a) : IPanelA<T, PackedPanel<T>>
        where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Read(int row) => a[row];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public PackedPanel<T> Next() => new(a + 6);
    }

    /// <summary>
    /// Six rows of a row-major op(A) read in place (row i at <c>rows + i * lda</c>, step p at column p), each element
    /// also written to the packed panel: the first B panel's pass packs A, instead of a separate pass before it whose
    /// reads from L3 or memory nothing overlaps (measured 2-3 % faster at 1024³, bench/RESULTS.md).
    /// </summary>
    private readonly struct PackingPanel<T>(T* rows, long lda, T* packed) : IPanelA<T, PackingPanel<T>>
        where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Read(int row)
        {
            T value = rows[row * lda];
            packed[row] = value;
            return value;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public PackingPanel<T> Next() => new(rows + 1, lda, packed + 6);
    }

    /// <summary>Vector256 micro-kernel, MR = 6 x NR = 2 vectors (16 floats / 8 doubles); contract as
    /// <see cref="MicroKernel{T}"/>.</summary>
    /// <remarks>Register budget (16 ymm on AVX2): 12 accumulators + 2 B vectors + 1 broadcast A element.</remarks>
    private static void MicroKernel256<T>(int kc, T* a, T* b, int bStride, T* c, int ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int mr = 6;
        int l = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        for (int p = 0; p < kc; p++, a += mr, b += bStride)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + l);
            c00 = VectorMath.Fma(Vector256.Create(a[0]), b0, c00); c01 = VectorMath.Fma(Vector256.Create(a[0]), b1, c01);
            c10 = VectorMath.Fma(Vector256.Create(a[1]), b0, c10); c11 = VectorMath.Fma(Vector256.Create(a[1]), b1, c11);
            c20 = VectorMath.Fma(Vector256.Create(a[2]), b0, c20); c21 = VectorMath.Fma(Vector256.Create(a[2]), b1, c21);
            c30 = VectorMath.Fma(Vector256.Create(a[3]), b0, c30); c31 = VectorMath.Fma(Vector256.Create(a[3]), b1, c31);
            c40 = VectorMath.Fma(Vector256.Create(a[4]), b0, c40); c41 = VectorMath.Fma(Vector256.Create(a[4]), b1, c41);
            c50 = VectorMath.Fma(Vector256.Create(a[5]), b0, c50); c51 = VectorMath.Fma(Vector256.Create(a[5]), b1, c51);
        }

        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool readC = beta != T.Zero;
        StoreRow(c + 0 * ldc, c00, c01, va, vb, readC);
        StoreRow(c + 1 * ldc, c10, c11, va, vb, readC);
        StoreRow(c + 2 * ldc, c20, c21, va, vb, readC);
        StoreRow(c + 3 * ldc, c30, c31, va, vb, readC);
        StoreRow(c + 4 * ldc, c40, c41, va, vb, readC);
        StoreRow(c + 5 * ldc, c50, c51, va, vb, readC);
    }

    /// <summary>Scalar micro-kernel, MR = NR = <see cref="Blocking.ScalarTile"/>; contract as
    /// <see cref="MicroKernel{T}"/>.</summary>
    private static void MicroKernelScalar<T>(int kc, T* a, T* b, int bStride, T* c, int ldc, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int t = Blocking.ScalarTile;
        T* acc = stackalloc T[t * t];
        new Span<T>(acc, t * t).Clear();
        for (int p = 0; p < kc; p++, a += t, b += bStride)
        {
            for (int i = 0; i < t; i++)
            {
                T ai = a[i];
                for (int j = 0; j < t; j++)
                {
                    acc[i * t + j] += ai * b[j];
                }
            }
        }

        UpdateC(acc, t, t, t, alpha, beta, c, ldc);
    }

    /// <summary>One row of a micro-kernel's epilogue: row[0 .. 2 vectors) = alpha * (v0, v1) + beta * row
    /// (row not read unless <paramref name="readC"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* row, Vector512<T> v0, Vector512<T> v1, Vector512<T> alpha, Vector512<T> beta, bool readC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        v0 *= alpha;
        v1 *= alpha;
        if (readC)
        {
            v0 = VectorMath.Fma(Vector512.Load(row), beta, v0);
            v1 = VectorMath.Fma(Vector512.Load(row + Vector512<T>.Count), beta, v1);
        }

        v0.Store(row);
        v1.Store(row + Vector512<T>.Count);
    }

    /// <summary>Vector256 version of <see cref="StoreRow{T}(T*, Vector512{T}, Vector512{T}, Vector512{T}, Vector512{T}, bool)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* row, Vector256<T> v0, Vector256<T> v1, Vector256<T> alpha, Vector256<T> beta, bool readC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        v0 *= alpha;
        v1 *= alpha;
        if (readC)
        {
            v0 = VectorMath.Fma(Vector256.Load(row), beta, v0);
            v1 = VectorMath.Fma(Vector256.Load(row + Vector256<T>.Count), beta, v1);
        }

        v0.Store(row);
        v1.Store(row + Vector256<T>.Count);
    }

    /// <summary>Register tile and cache blocks for one element type and kernel family.</summary>
    /// <param name="Kernel">Micro-kernel family.</param>
    /// <param name="MR">Rows of the register tile (rows of op(A) per packed panel).</param>
    /// <param name="NR">Columns of the register tile (columns of op(B) per packed panel).</param>
    /// <param name="KC">Depth of one rank-KC update.</param>
    /// <param name="MC">Rows of op(A) packed at once (packed A is MC x KC, sized for L2).</param>
    /// <param name="NC">Columns of op(B) packed at once (packed B is KC x NC, sized for a share of L3).</param>
    internal readonly record struct Blocking(KernelKind Kernel, int MR, int NR, int KC, int MC, int NC)
    {
        /// <summary>Tile edge of the scalar kernel.</summary>
        internal const int ScalarTile = 4;

        /// <summary>Blocking for element type <typeparamref name="T"/> and kernel family <paramref name="kernel"/>.</summary>
        internal static Blocking For<T>(KernelKind kernel)
            where T : unmanaged
        {
            (int mr, int nr) = kernel switch
            {
                KernelKind.Vector512 => (6, 4 * Vector512<T>.Count),
                KernelKind.Vector256 => (6, 2 * Vector256<T>.Count),
                _ => (ScalarTile, ScalarTile),
            };
            int kc = DefaultKC;

            // Packed A (MC x KC) takes about half of L2, leaving the rest for the packed B panel being streamed
            // and for C; packed B (KC x NC) takes a quarter of L3 (it is shared by the cores).
            int mc = Math.Max(mr, L2Bytes / 2 / (kc * sizeof(T)) / mr * mr);
            int nc = Math.Max(nr, L3Bytes / 4 / (kc * sizeof(T)) / nr * nr);
            return new Blocking(kernel, mr, nr, kc, mc, nc);
        }
    }

    /// <summary>The arguments of one GEMM call, passed by reference through the blocked loops and to threads.</summary>
    private readonly struct Problem<T>(
        bool transposeA, bool transposeB, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, int m, int n, int k)
        where T : unmanaged
    {
        public readonly int M = m;
        public readonly int N = n;
        public readonly bool TransposeA = transposeA;
        public readonly bool TransposeB = transposeB;
        public readonly T Alpha = alpha;
        public readonly T* A = a;
        public readonly int Lda = lda;
        public readonly T* B = b;
        public readonly int Ldb = ldb;
        public readonly T Beta = beta;
        public readonly T* C = c;
        public readonly int Ldc = ldc;
        public readonly int K = k;
    }

    /// <summary>One thread's share of a parallel GEMM: a band of C (rows or columns) cut at register-tile multiples,
    /// and (when <paramref name="shared"/> is not null) a share of the packing of the operand all bands need.</summary>
    private sealed class ParallelParts<T>(
        Problem<T> problem, Blocking blocking, bool splitN, int unit, int units, int parts, T* shared)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Phase 1 (optional): pack this part's share of the panels of the shared operand
        /// (A when splitting N, B when splitting M).</summary>
        public void PackShared(int part)
        {
            var p = problem;
            int kc = BalancedBlock(p.K, blocking.KC, 1);
            if (splitN)
            {
                int panels = (p.M + blocking.MR - 1) / blocking.MR;
                (int r0, int r1) = Share(part, panels, blocking.MR, p.M);
                long aRow = p.TransposeA ? 1 : p.Lda, aCol = p.TransposeA ? p.Lda : 1;
                Gemm.PackShared(p.A, aRow, aCol, r0, r1, p.M, p.K, kc, blocking.MR, shared);
            }
            else
            {
                int panels = (p.N + blocking.NR - 1) / blocking.NR;
                (int r0, int r1) = Share(part, panels, blocking.NR, p.N);
                long bRow = p.TransposeB ? p.Ldb : 1, bCol = p.TransposeB ? 1 : p.Ldb;
                Gemm.PackShared(p.B, bRow, bCol, r0, r1, p.N, p.K, kc, blocking.NR, shared);
            }
        }

        /// <summary>Phase 2: the blocked algorithm on this part's band of C.</summary>
        public void Run(int part)
        {
            var p = problem;
            if (splitN)
            {
                (int start, int end) = Share(part, units, unit, p.N);
                Blocked(in problem, blocking, 0, p.M, start, end, sharedA: shared);
            }
            else
            {
                (int start, int end) = Share(part, units, unit, p.M);
                Blocked(in problem, blocking, start, end, 0, p.N, sharedB: shared);
            }
        }

        /// <summary>Part q of <paramref name="count"/> units of <paramref name="size"/> elements gets units
        /// [q * count / parts, (q + 1) * count / parts), clipped to <paramref name="extent"/>.</summary>
        private (int Start, int End) Share(int part, int count, int size, int extent) =>
            ((int)((long)part * count / parts) * size, (int)Math.Min((long)(part + 1) * count / parts * size, extent));
    }

    /// <summary>
    /// Per-thread packing buffers and tile, 64-byte aligned native memory that grows on demand and is reused by every
    /// later call on the same thread (no allocation per call in steady state). Freed when the thread ends.
    /// </summary>
    private sealed class Workspace
    {
        [ThreadStatic]
        private static Workspace? current;

        private Buffer packedA, packedB, tile, shared, innerProductSums;

        /// <summary>The calling thread's workspace.</summary>
        public static Workspace Current => current ??= new Workspace();

        ~Workspace()
        {
            packedA.Free();
            packedB.Free();
            tile.Free();
            shared.Free();
            innerProductSums.Free();
        }

        public void* PackedA(int bytes) => packedA.Ensure(bytes);

        public void* PackedB(int bytes) => packedB.Ensure(bytes);

        /// <summary>The buffer for an operand packed once and read by all threads of one parallel call.</summary>
        public void* Shared(long bytes) => shared.Ensure(bytes);

        public void* Tile(int bytes) => tile.Ensure(bytes);

        /// <summary>The running per-tile sums of <see cref="InnerProduct"/>.</summary>
        public void* InnerProductSums(long bytes) => innerProductSums.Ensure(bytes);

        private struct Buffer
        {
            private void* pointer;
            private nuint size;

            public void* Ensure(long bytes)
            {
                if ((nuint)bytes > size)
                {
                    Free();
                    pointer = NativeMemory.AlignedAlloc((nuint)bytes, 64);
                    size = (nuint)bytes;
                }

                return pointer;
            }

            public void Free()
            {
                if (pointer != null)
                {
                    NativeMemory.AlignedFree(pointer);
                    pointer = null;
                    size = 0;
                }
            }
        }
    }
}
