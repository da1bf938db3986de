// C = op(A) op(B) + beta C for row-major matrices, op = transpose when the flag is set
// (A is [M, K] or, transposed, [K, M]; B is [K, N] or [N, K]). One kernel serves all four
// transpose combinations: the flags only change how a tile is read from global memory.
//
// Tiling: each work-group of GEMM_THREADS x GEMM_THREADS work-items computes a GEMM_TILE x
// GEMM_TILE block of C. Per step it stages a GEMM_TILE x GEMM_DEPTH slice of op(A) and of op(B)
// in local memory; each work-item then keeps a GEMM_WORK x GEMM_WORK block of C in registers
// (register blocking), so every value read from local memory feeds GEMM_WORK multiply-adds.
// Work-items own rows/columns strided by GEMM_THREADS, so neighbours write neighbouring columns.
#define GEMM_THREADS 16
#define GEMM_WORK 4
#define GEMM_TILE (GEMM_THREADS * GEMM_WORK)
#define GEMM_DEPTH 16

// Element (row, col) of op(X) for X stored row-major with leading dimension ld.
#define GEMM_AT(x, transposed, ld, row, col) ((transposed) ? (x)[(col) * (ld) + (row)] : (x)[(row) * (ld) + (col)])

__kernel void gemm(const int m, const int n, const int k,
                   __global const real* a, const int aOffset, const int lda, const int transposeA,
                   __global const real* b, const int bOffset, const int ldb, const int transposeB,
                   __global real* c, const int cOffset, const int ldc, const real beta)
{
    __local real aTile[GEMM_DEPTH][GEMM_TILE]; // aTile[kk][i] = op(A)[row0 + i, k0 + kk]
    __local real bTile[GEMM_DEPTH][GEMM_TILE]; // bTile[kk][j] = op(B)[k0 + kk, col0 + j]
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int thread = ty * GEMM_THREADS + tx;
    const int row0 = get_group_id(1) * GEMM_TILE, col0 = get_group_id(0) * GEMM_TILE;
    a += aOffset;
    b += bOffset;

    real acc[GEMM_WORK][GEMM_WORK];
    for (int wi = 0; wi < GEMM_WORK; wi++)
        for (int wj = 0; wj < GEMM_WORK; wj++) acc[wi][wj] = 0;

    for (int k0 = 0; k0 < k; k0 += GEMM_DEPTH)
    {
        // Stage the tiles; consecutive work-items read consecutive addresses of the stored matrix.
        for (int l = thread; l < GEMM_DEPTH * GEMM_TILE; l += GEMM_THREADS * GEMM_THREADS)
        {
            const int kk = transposeA ? l / GEMM_TILE : l % GEMM_DEPTH;
            const int i = transposeA ? l % GEMM_TILE : l / GEMM_DEPTH;
            const int row = row0 + i, depth = k0 + kk;
            aTile[kk][i] = (row < m && depth < k) ? GEMM_AT(a, transposeA, lda, row, depth) : (real)0;

            const int kb = transposeB ? l % GEMM_DEPTH : l / GEMM_TILE;
            const int j = transposeB ? l / GEMM_DEPTH : l % GEMM_TILE;
            const int col = col0 + j, depthB = k0 + kb;
            bTile[kb][j] = (col < n && depthB < k) ? GEMM_AT(b, transposeB, ldb, depthB, col) : (real)0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int kk = 0; kk < GEMM_DEPTH; kk++)
        {
            real aReg[GEMM_WORK], bReg[GEMM_WORK];
            for (int w = 0; w < GEMM_WORK; w++)
            {
                aReg[w] = aTile[kk][ty + w * GEMM_THREADS];
                bReg[w] = bTile[kk][tx + w * GEMM_THREADS];
            }
            for (int wi = 0; wi < GEMM_WORK; wi++)
                for (int wj = 0; wj < GEMM_WORK; wj++) acc[wi][wj] += aReg[wi] * bReg[wj];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int wi = 0; wi < GEMM_WORK; wi++)
    {
        const int row = row0 + ty + wi * GEMM_THREADS;
        if (row >= m) continue;
        for (int wj = 0; wj < GEMM_WORK; wj++)
        {
            const int col = col0 + tx + wj * GEMM_THREADS;
            if (col >= n) continue;
            __global real* target = c + cOffset + row * ldc + col;
            // beta = 0 must not read C: it may hold uninitialised memory (NaN * 0 = NaN).
            *target = beta == (real)0 ? acc[wi][wj] : acc[wi][wj] + beta * *target;
        }
    }
}
