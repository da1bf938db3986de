using System.Numerics;

namespace NativeCnn.Engine.Cpu;

/// <summary>TEMPORARY placeholder replaced by the packed GEMM on merge.</summary>
public static unsafe class Gemm
{
    /// <summary>C = alpha op(A) op(B) + beta C, row-major.</summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, int maxThreads = -1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = maxThreads == 1 ? 1 : Environment.ProcessorCount }, i =>
        {
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++)
                    s += (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * ldc + j] = beta == T.Zero ? alpha * s : alpha * s + beta * c[i * ldc + j];
            }
        });
    }
}
