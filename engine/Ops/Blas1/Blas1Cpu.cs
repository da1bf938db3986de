using System.Numerics;
using System.Runtime.Intrinsics;
using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Axpy and the sum of squares on the CPU, vectorised and split over the cores (equations:
/// <see cref="Blas1Reference"/>).</summary>
internal static unsafe class Blas1Cpu
{
    // Below this many elements a second thread costs more than it saves.
    private const int MinPerWorker = 1 << 15;

    // Elements summed in the element type before the block's total moves to a double: short enough
    // that float32 rounding stays near 1e-7 relative, long enough to keep the loop in vector registers.
    private const int SumBlock = 4096;

    /// <summary>y[i] = fma(α, x[i], y[i]): one rounding per element, like the GPU kernel's fma.</summary>
    public static void AddScaled<T>(T* y, T* x, T alpha, long length) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(checked((int)length), MinPerWorker, (start, end) => AddScaledRange(y + start, x + start, alpha, end - start));

    private static void AddScaledRange<T>(T* y, T* x, T alpha, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(alpha);
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(VectorMath.Fma(a, Vector512.Load(x + i), Vector512.Load(y + i)), y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create(alpha);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(VectorMath.Fma(a, Vector256.Load(x + i), Vector256.Load(y + i)), y + i);
        }
        for (; i < n; i++) y[i] = T.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>
    /// Σ x[i]²: blocks of <see cref="SumBlock"/> elements summed in T with vector accumulators,
    /// block totals added in double in block order. Blocks are fixed by index, not by thread, so
    /// the result does not depend on the number of cores.
    /// </summary>
    public static double SumOfSquares<T>(T* x, long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int blocks = checked((int)((length + SumBlock - 1) / SumBlock));
        if (blocks <= 1) return double.CreateChecked(BlockSumOfSquares(x, (int)length));
        var totals = new double[blocks];
        CpuParallel.For(blocks, MinPerWorker / SumBlock, (first, last) =>
        {
            for (int b = first; b < last; b++)
            {
                long start = (long)b * SumBlock;
                totals[b] = double.CreateChecked(BlockSumOfSquares(x + start, (int)Math.Min(SumBlock, length - start)));
            }
        });
        double sum = 0;
        foreach (double t in totals) sum += t;
        return sum;
    }

    private static T BlockSumOfSquares<T>(T* x, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T total = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var acc0 = Vector512<T>.Zero; var acc1 = Vector512<T>.Zero;
            for (; i <= n - 2 * Vector512<T>.Count; i += 2 * Vector512<T>.Count)
            {
                var v0 = Vector512.Load(x + i); var v1 = Vector512.Load(x + i + Vector512<T>.Count);
                acc0 = VectorMath.Fma(v0, v0, acc0);
                acc1 = VectorMath.Fma(v1, v1, acc1);
            }
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var v = Vector512.Load(x + i);
                acc0 = VectorMath.Fma(v, v, acc0);
            }
            total = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.Load(x + i);
                acc = VectorMath.Fma(v, v, acc);
            }
            total = Vector256.Sum(acc);
        }
        for (; i < n; i++) total = T.FusedMultiplyAdd(x[i], x[i], total);
        return total;
    }
}
