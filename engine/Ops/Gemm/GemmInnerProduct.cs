using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The inner-product form of <c>C = alpha * A * B^T + beta * C</c> (float32, A stored m x k and B stored n x k, both
/// with k contiguous) for small m and n and deep k: the shape of every convolution kernel gradient
/// (dW[O, K] = dY[O, pixels] · cols[K, pixels]^T; Winograd's dU[ξ] = dM[ξ] · V[ξ]^T, O x C over the tiles).
/// </summary>
/// <remarks>
/// <para>
/// The packed kernel's register tile is 6 rows x 64 columns. With n = 32 half of every tile is padding, and with
/// m ≤ 64 each packed (transposed) B element feeds only m / 6 tiles, so packing costs about as much as the arithmetic:
/// 32 x 32 x 1728 ran at 62 GFLOP/s on one Zen 5 core. Here each C element is a dot product along k, which both
/// operands already store contiguously: a 4 x 4 tile of C keeps 16 Vector512 accumulators, each summing 16 products
/// of one A row and one B row per step (4 + 4 loads, 16 FMAs), and nothing is packed. The accumulators are summed
/// across their lanes once per <see cref="InnerProductDepth"/> steps, all 16 in one shuffle tree
/// (<see cref="SumTile"/>), into a per-tile vector of running sums.
/// </para>
/// <para>
/// Loop order: for each chunk of k, tiles of the side with more rows outside, so their 4 rows (1 KiB each) stay in L1
/// while the other side's rows stream from L1/L2. Measured on one core against the packed kernel (GFLOP/s):
/// 32x32x1728 62 → 207, 32x288x2304 140 → 216, 64x64x2304 152 → 207, 64x288x3456 174 → 218, 32x9x2304 19 → 161,
/// 64x64x512 155 → 166; but 128x128x512 188 → 169, 64x576x1152 198 → 176 and 64x64x256 161 → 135, which is where
/// <see cref="InnerProductApplies"/> draws its lines.
/// </para>
/// </remarks>
public static unsafe partial class Gemm
{
    /// <summary>Elements of k per chunk: 4 rows of 1 KiB stay in L1 and the 16 lane sums are paid every 16 steps
    /// (256 and 384 measured best, 128 and 512 within a few percent, 1024 and up 10-30 % slower).</summary>
    private const int InnerProductDepth = 256;

    /// <summary>Edge of the square register tile of C.</summary>
    private const int InnerProductTile = 4;

    /// <summary>True when the inner-product form beats the packed kernel for C[m, n] = A[m, k] · B[n, k]^T
    /// (measurements in the class remarks): one side at most 64, the other at most 320, and k at least 512.</summary>
    internal static bool InnerProductApplies(int m, int n, int k) =>
        k >= 512 && Math.Min(m, n) <= 64 && Math.Max(m, n) <= 320;

    /// <summary>
    /// <c>C = alpha * A * B^T + beta * C</c> in the inner-product form, for any m, n, k ≥ 1 (the class remarks say
    /// when it is the fast choice). A is m x k with row stride <paramref name="lda"/>, B is n x k with row stride
    /// <paramref name="ldb"/>, C is m x n with row stride <paramref name="ldc"/>; C is not read when beta is 0.
    /// With <paramref name="threads"/> &gt; 1 the longer side of C is cut into that many bands.
    /// Requires AVX-512F; arguments are not validated (the caller, <see cref="Multiply{T}(bool, bool, int, int, int, T, T*, int, T*, int, T, T*, int, int)"/>, has).
    /// </summary>
    internal static void MultiplyInnerProduct(
        int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        if (threads <= 1)
        {
            InnerProduct(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        // Bands of whole tiles along the longer side; each is an independent smaller product.
        bool splitRows = m >= n;
        int tiles = ((splitRows ? m : n) + InnerProductTile - 1) / InnerProductTile;
        threads = Math.Min(threads, tiles);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, band =>
        {
            int start = (int)((long)band * tiles / threads) * InnerProductTile;
            int end = Math.Min((int)((long)(band + 1) * tiles / threads) * InnerProductTile, splitRows ? m : n);
            if (splitRows)
            {
                InnerProduct(end - start, n, k, alpha, a + (long)start * lda, lda, b, ldb, beta, c + (long)start * ldc, ldc);
            }
            else
            {
                InnerProduct(m, end - start, k, alpha, a, lda, b + (long)start * ldb, ldb, beta, c + start, ldc);
            }
        });
    }

    /// <summary>One thread's <see cref="MultiplyInnerProduct"/>.</summary>
    private static void InnerProduct(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        const int t = InnerProductTile, lanes = 16;
        int tilesM = (m + t - 1) / t, tilesN = (n + t - 1) / t;

        // Running sums, one 16-float vector per tile (element 4j + i holds C[i, j] of the tile; see SumTile).
        float* sums = (float*)Workspace.Current.InnerProductSums((long)tilesM * tilesN * lanes * sizeof(float));
        new Span<float>(sums, tilesM * tilesN * lanes).Clear();

        int vectorDepth = k / lanes * lanes;
        bool rowTilesOutside = m >= n;
        for (int p0 = 0; p0 < vectorDepth; p0 += InnerProductDepth)
        {
            int depth = Math.Min(InnerProductDepth, vectorDepth - p0);
            int outer = rowTilesOutside ? tilesM : tilesN, inner = rowTilesOutside ? tilesN : tilesM;
            for (int u = 0; u < outer; u++)
            {
                for (int v = 0; v < inner; v++)
                {
                    (int ti, int tj) = rowTilesOutside ? (u, v) : (v, u);
                    AccumulateTile(depth, a + p0, lda, ti * t, m, b + p0, ldb, tj * t, n, sums + ((long)ti * tilesN + tj) * lanes);
                }
            }
        }

        // The k % 16 remainder, then alpha and beta, element by element (at most 15 products per element).
        for (int i = 0; i < m; i++)
        {
            float* aRow = a + (long)i * lda;
            float* cRow = c + (long)i * ldc;
            for (int j = 0; j < n; j++)
            {
                float* bRow = b + (long)j * ldb;
                float dot = sums[(((long)(i / t) * tilesN) + (j / t)) * lanes + (j % t * t) + (i % t)];
                for (int p = vectorDepth; p < k; p++)
                {
                    dot += aRow[p] * bRow[p];
                }

                cRow[j] = beta == 0f ? alpha * dot : (alpha * dot) + (beta * cRow[j]);
            }
        }
    }

    /// <summary>
    /// Adds the dot products over <paramref name="depth"/> (a multiple of 16) elements of A rows i .. i+3 with B rows
    /// j .. j+3 to the tile's running sums. Rows past the edge (m or n) repeat the last row: their sums are computed
    /// and never read, which keeps the loop free of edge cases.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateTile(int depth, float* a, int lda, int i, int m, float* b, int ldb, int j, int n, float* sums)
    {
        float* a0 = a + ((long)Math.Min(i, m - 1) * lda), a1 = a + ((long)Math.Min(i + 1, m - 1) * lda);
        float* a2 = a + ((long)Math.Min(i + 2, m - 1) * lda), a3 = a + ((long)Math.Min(i + 3, m - 1) * lda);
        float* b0 = b + ((long)Math.Min(j, n - 1) * ldb), b1 = b + ((long)Math.Min(j + 1, n - 1) * ldb);
        float* b2 = b + ((long)Math.Min(j + 2, n - 1) * ldb), b3 = b + ((long)Math.Min(j + 3, n - 1) * ldb);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int p = 0; p < depth; p += Vector512<float>.Count)
        {
            var x0 = Vector512.Load(a0 + p);
            var x1 = Vector512.Load(a1 + p);
            var x2 = Vector512.Load(a2 + p);
            var x3 = Vector512.Load(a3 + p);
            var y = Vector512.Load(b0 + p);
            c00 = VectorMath.Fma(x0, y, c00); c10 = VectorMath.Fma(x1, y, c10); c20 = VectorMath.Fma(x2, y, c20); c30 = VectorMath.Fma(x3, y, c30);
            y = Vector512.Load(b1 + p);
            c01 = VectorMath.Fma(x0, y, c01); c11 = VectorMath.Fma(x1, y, c11); c21 = VectorMath.Fma(x2, y, c21); c31 = VectorMath.Fma(x3, y, c31);
            y = Vector512.Load(b2 + p);
            c02 = VectorMath.Fma(x0, y, c02); c12 = VectorMath.Fma(x1, y, c12); c22 = VectorMath.Fma(x2, y, c22); c32 = VectorMath.Fma(x3, y, c32);
            y = Vector512.Load(b3 + p);
            c03 = VectorMath.Fma(x0, y, c03); c13 = VectorMath.Fma(x1, y, c13); c23 = VectorMath.Fma(x2, y, c23); c33 = VectorMath.Fma(x3, y, c33);
        }

        var total = SumTile(SumRow(c00, c01, c02, c03), SumRow(c10, c11, c12, c13), SumRow(c20, c21, c22, c23), SumRow(c30, c31, c32, c33));
        (Vector512.Load(sums) + total).Store(sums);
    }

    /// <summary>
    /// Folds four accumulators of one tile row into one vector: its 128-bit lane j holds four partial sums of cj.
    /// Two rounds of 128-bit lane exchanges (shuffle_f32x4), each adding two halves: 6 shuffles and 3 adds for what
    /// would otherwise be four full horizontal sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SumRow(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3)
    {
        // Lanes 0-1 of the result: c0 folded to 8 floats; lanes 2-3: c1 (and likewise c2, c3).
        var z01 = Avx512F.Shuffle4x128(c0, c1, 0x44) + Avx512F.Shuffle4x128(c0, c1, 0xEE);
        var z23 = Avx512F.Shuffle4x128(c2, c3, 0x44) + Avx512F.Shuffle4x128(c2, c3, 0xEE);
        return Avx512F.Shuffle4x128(z01, z23, 0x88) + Avx512F.Shuffle4x128(z01, z23, 0xDD);
    }

    /// <summary>
    /// Finishes the sums of a 4 x 4 tile from its four <see cref="SumRow"/> vectors (rows 0-3): element 4j + i of the
    /// result is the full sum of c_ij. Within each 128-bit lane this is the classic 4 x 4 transpose-and-add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SumTile(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3)
    {
        var t01 = Avx512F.UnpackLow(r0, r1) + Avx512F.UnpackHigh(r0, r1);
        var t23 = Avx512F.UnpackLow(r2, r3) + Avx512F.UnpackHigh(r2, r3);
        return Avx512F.Shuffle(t01, t23, 0x44) + Avx512F.Shuffle(t01, t23, 0xEE);
    }
}
