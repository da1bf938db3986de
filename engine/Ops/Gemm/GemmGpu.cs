using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>An operand of <see cref="GemmGpu.Multiply{T, TTile, TA, TB, TC}"/>: element (row, column) of a matrix that may be
/// stored any way (dense, transposed, or gathered on the fly from an image as im2col would lay it out).</summary>
internal interface IMatrixReader<T> where T : unmanaged
{
    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>); both are in range.</summary>
    T Read(int row, int column);
}

/// <summary>Where <see cref="GemmGpu.Multiply{T, TTile, TA, TB, TC}"/> puts each element of its result (and what it does there:
/// overwrite, blend with beta, add a bias, apply a ReLU).</summary>
internal interface IMatrixWriter<T> where T : unmanaged
{
    /// <summary>Stores the product's element (<paramref name="row"/>, <paramref name="column"/>).</summary>
    void Write(int row, int column, T value);
}

/// <summary>A row-major matrix with leading dimension <see cref="Ld"/>, read as stored or transposed.</summary>
internal readonly struct DenseMatrix<T>(ArrayView<T> data, int ld, bool transposed) : IMatrixReader<T> where T : unmanaged
{
    private readonly ArrayView<T> _data = data;
    private readonly int _ld = ld;
    private readonly int _transposed = transposed ? 1 : 0;

    /// <summary>Elements between consecutive stored rows.</summary>
    public int Ld => _ld;

    public T Read(int row, int column) => _transposed != 0 ? _data[column * _ld + row] : _data[row * _ld + column];
}

/// <summary>Another reader with rows and columns swapped.</summary>
internal readonly struct Transposed<T, TInner>(TInner inner) : IMatrixReader<T> where T : unmanaged where TInner : struct, IMatrixReader<T>
{
    private readonly TInner _inner = inner;

    public T Read(int row, int column) => _inner.Read(column, row);
}

/// <summary>C = product + β·C into a row-major matrix; β = 0 never reads C (it may hold NaN).</summary>
internal readonly struct DenseOutput<T>(ArrayView<T> data, int ld, T beta) : IMatrixWriter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<T> _data = data;
    private readonly int _ld = ld;
    private readonly T _beta = beta;

    public void Write(int row, int column, T value)
    {
        int at = row * _ld + column;
        _data[at] = _beta == T.Zero ? value : value + _beta * _data[at];
    }
}

/// <summary>The shape of the GEMM's tiles, a type so that each instantiation of the kernel has its sizes as constants.</summary>
internal interface IGemmTile
{
    /// <summary>Rows and columns of C each thread accumulates (in registers: Work² of them).</summary>
    static abstract int Work { get; }

    /// <summary>Depth (k) of the slices of op(A) and op(B) staged in shared memory per step.</summary>
    static abstract int Depth { get; }
}

/// <summary>GPU tiles: 4 x 4 accumulators per thread, 16-deep stages (with 16 x 16 threads, 64 x 64 tiles of C).</summary>
internal readonly struct GpuTile : IGemmTile
{
    public static int Work => 4;
    public static int Depth => 16;
}

/// <summary>Tiles for ILGPU's CPU accelerator, where every work-group and every barrier is an OS-level synchronisation
/// of the group's threads: 16 x 16 accumulators per thread and 64-deep stages, so C takes far fewer tiles and each
/// tile far fewer barriers (measured on seed001-shallow: a training step 9 s with 8 x 8, 6.8 s with 16 x 16).</summary>
internal readonly struct CpuTile : IGemmTile
{
    public static int Work => 16;
    public static int Depth => 64;
}

/// <summary>
/// General matrix multiply as an ILGPU kernel (equations: <see cref="GemmReference"/>): one shared-memory tiled kernel
/// for every transpose and every operand layout, generic over how A and B are read and C is written, so the
/// convolutions are the same kernel with im2col-style readers (implicit GEMM, see <see cref="ConvolutionGpu"/>).
/// </summary>
/// <remarks>
/// Each work-group of <c>threads x threads</c> computes tiles of C of <c>size = threads·Work</c> rows and columns,
/// taking tile after tile (tile g, g + groups, ...), so a launch may have fewer groups than tiles. Per step it stages a
/// Depth-deep slice of op(A) and op(B) in shared memory; each thread keeps a Work x Work block of C in registers
/// (register blocking), so every value read from shared memory feeds Work multiply-adds. Threads own rows and columns
/// strided by <c>threads</c>, so neighbouring threads write neighbouring columns. The tile shape (threads per side,
/// the <see cref="IGemmTile"/>) is chosen per accelerator.
/// </remarks>
internal static class GemmGpu
{
    /// <summary>C (m x n) = op(A) (m x k) · op(B) (k x n), through the readers and the writer.</summary>
    public static void Multiply<T, TTile, TA, TB, TC>(int m, int n, int k, TA a, TB b, TC c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTile : struct, IGemmTile
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        int work = TTile.Work, depth = TTile.Depth;
        int threads = Group.DimX, size = threads * work;
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * threads + tx;
        int tileColumns = (n + size - 1) / size, tiles = tileColumns * ((m + size - 1) / size);
        // aTile[kk·size + i] = op(A)[row0 + i, k0 + kk];  bTile[kk·size + j] = op(B)[k0 + kk, col0 + j]
        var shared = SharedMemory.GetDynamic<T>();
        var aTile = shared.SubView(0, depth * size);
        var bTile = shared.SubView(depth * size, depth * size);
        var acc = LocalMemory.Allocate<T>(TTile.Work * TTile.Work);

        for (int tile = Grid.IdxX; tile < tiles; tile += Grid.DimX)
        {
            int row0 = tile / tileColumns * size, col0 = tile % tileColumns * size;
            for (int w = 0; w < work * work; w++) acc[w] = T.Zero;
            for (int k0 = 0; k0 < k; k0 += depth)
            {
                for (int l = thread; l < depth * size; l += threads * threads)
                {
                    int kk = l / size, i = l % size, p = k0 + kk;
                    aTile[l] = row0 + i < m && p < k ? a.Read(row0 + i, p) : T.Zero;
                    bTile[l] = col0 + i < n && p < k ? b.Read(p, col0 + i) : T.Zero;
                }
                Group.Barrier();
                for (int kk = 0; kk < depth; kk++)
                    for (int wi = 0; wi < work; wi++)
                    {
                        T aValue = aTile[kk * size + ty + wi * threads];
                        for (int wj = 0; wj < work; wj++)
                            acc[wi * work + wj] += aValue * bTile[kk * size + tx + wj * threads];
                    }
                Group.Barrier();
            }
            for (int wi = 0; wi < work; wi++)
            {
                int row = row0 + ty + wi * threads;
                for (int wj = 0; wj < work; wj++)
                {
                    int col = col0 + tx + wj * threads;
                    if (row < m && col < n) c.Write(row, col, acc[wi * work + wj]);
                }
            }
        }
    }

    /// <summary>The launch shape for C (m x n): <paramref name="threads"/> x <paramref name="threads"/> work-groups, at
    /// most <paramref name="maxGroups"/> of them, with the dynamic shared memory the two tiles need.</summary>
    public static KernelConfig Config<T, TTile>(int m, int n, int threads, int maxGroups) where T : unmanaged where TTile : struct, IGemmTile
    {
        int size = threads * TTile.Work;
        long tiles = (long)((n + size - 1) / size) * ((m + size - 1) / size);
        return new KernelConfig(new Index3D((int)Math.Clamp(tiles, 1, maxGroups), 1, 1), new Index3D(threads, threads, 1),
            SharedMemoryConfig.RequestDynamic<T>(2 * TTile.Depth * size));
    }

    /// <summary><see cref="Multiply{T, TTile, TA, TB, TC}"/> loaded for one tile shape and one combination of operand
    /// readers and output writer.</summary>
    internal sealed class Kernel<T, TTile, TA, TB, TC> : IGpuKernels<Kernel<T, TTile, TA, TB, TC>>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTile : struct, IGemmTile
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        public required Action<KernelConfig, int, int, int, TA, TB, TC> Run { get; init; }

        public static Kernel<T, TTile, TA, TB, TC> Load(Accelerator a) => new() { Run = a.LoadStreamKernel<int, int, int, TA, TB, TC>(Multiply<T, TTile, TA, TB, TC>) };
    }
}
