using System.Numerics;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// General matrix multiply with BLAS semantics, for row-major matrices:
/// <code>
/// C = α·op(A)·op(B) + β·C,   C[i, j] = α Σ_p op(A)[i, p]·op(B)[p, j] + β C[i, j]
/// </code>
/// op(X) = X, or Xᵀ when the transpose flag is set: A is [M, K] (stored [K, M] when transposed), B is [K, N] (stored
/// [N, K]), C is [M, N], each with a row stride (leading dimension) of at least its stored width. β = 0 overwrites C
/// without reading it (C may hold NaN). <see cref="Devices.Device.MatMul"/> is this with α = 1 on 2-D tensors.
/// This is the textbook triple loop, with the same signature as
/// <see cref="Gemm.Multiply{T}(bool, bool, int, int, int, T, T*, int, T*, int, T, T*, int, int)"/>:
/// slow (no blocking, no SIMD, one thread) and obviously correct, the oracle of the GEMM tests.
/// </summary>
public static unsafe class GemmReference
{
    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c> for row-major matrices, one dot product per element
    /// of C, accumulated in <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">Element type (float or double).</typeparam>
    /// <param name="transposeA">False: A is m x k (row stride <paramref name="lda"/>); true: A is stored k x m and op(A) = A^T.</param>
    /// <param name="transposeB">False: B is k x n (row stride <paramref name="ldb"/>); true: B is stored n x k and op(B) = B^T.</param>
    /// <param name="m">Rows of op(A) and C; &gt;= 0.</param>
    /// <param name="n">Columns of op(B) and C; &gt;= 0.</param>
    /// <param name="k">Inner dimension; &gt;= 0 (0 gives C = beta * C).</param>
    /// <param name="alpha">Scale of the product (0: A and B are not read).</param>
    /// <param name="a">First element of A.</param>
    /// <param name="lda">Row stride of A in elements.</param>
    /// <param name="b">First element of B.</param>
    /// <param name="ldb">Row stride of B in elements.</param>
    /// <param name="beta">Scale of the existing C; 0 overwrites C without reading it.</param>
    /// <param name="c">First element of C (m x n, row stride <paramref name="ldc"/>), updated in place.</param>
    /// <param name="ldc">Row stride of C in elements.</param>
    /// <param name="maxThreads">Validated like the fast path's argument (-1 or positive) and otherwise ignored: always one thread.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, a leading dimension too small, or
    /// <paramref name="maxThreads"/> is 0 or below -1.</exception>
    /// <exception cref="ArgumentNullException">A matrix that must be accessed is a null pointer.</exception>
    public static void Multiply<T>(
        bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, T* a, int lda, T* b, int ldb,
        T beta, T* c, int ldc, int maxThreads = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Gemm.Validate(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, c, ldc, maxThreads);
        bool product = k > 0 && alpha != T.Zero;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                if (product)
                {
                    for (int p = 0; p < k; p++)
                    {
                        T aip = transposeA ? a[(long)p * lda + i] : a[(long)i * lda + p];
                        T bpj = transposeB ? b[(long)j * ldb + p] : b[(long)p * ldb + j];
                        sum += aip * bpj;
                    }
                }

                T* cij = c + (long)i * ldc + j;
                *cij = beta == T.Zero ? alpha * sum : alpha * sum + beta * *cij;
            }
        }
    }
}
