using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>An operand of <see cref="GemmGpu.Multiply{T, TA, TB, TC}"/>: element (row, column) of a matrix that may be
/// stored any way (dense, transposed, or gathered on the fly from an image as im2col would lay it out).</summary>
internal interface IMatrixReader<T> where T : unmanaged
{
    /// <summary>The element at (<paramref name="row"/>, <paramref name="column"/>); both are in range.</summary>
    T Read(int row, int column);
}

/// <summary>Where <see cref="GemmGpu.Multiply{T, TA, TB, TC}"/> puts each element of its result (and what it does there:
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

/// <summary>
/// General matrix multiply as an ILGPU kernel (equations: <see cref="GemmReference"/>): one shared-memory tiled kernel
/// for every transpose and every operand layout, generic over how A and B are read and C is written, so the
/// convolutions are the same kernel with im2col-style readers (implicit GEMM, see ConvolutionGpu).
/// </summary>
/// <remarks>
/// Each work-group of <c>threads x threads</c> computes a tile of C of <c>threads·Work</c> rows and columns. Per step
/// it stages a <see cref="Depth"/>-deep slice of op(A) and op(B) in shared memory; each thread then keeps a
/// <see cref="Work"/> x <see cref="Work"/> block of C in registers (register blocking), so every value read from shared
/// memory feeds <see cref="Work"/> multiply-adds. Threads own rows and columns strided by <c>threads</c>, so
/// neighbouring threads write neighbouring columns. The tile shape is a parameter (the threads per side, chosen per
/// accelerator; Work and Depth are constants) so that a faster shape can be chosen per device.
/// </remarks>
internal static class GemmGpu
{
    /// <summary>Rows and columns of C each thread accumulates.</summary>
    public const int Work = 4;

    /// <summary>Depth (k) of the slices staged in shared memory per step.</summary>
    public const int Depth = 16;

    /// <summary>C (m x n) = op(A) (m x k) · op(B) (k x n), through the readers and the writer.</summary>
    public static void Multiply<T, TA, TB, TC>(int m, int n, int k, TA a, TB b, TC c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        int threads = Group.DimX, size = threads * Work;
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * threads + tx;
        int row0 = Grid.IdxY * size, col0 = Grid.IdxX * size;
        // aTile[kk·size + i] = op(A)[row0 + i, k0 + kk];  bTile[kk·size + j] = op(B)[k0 + kk, col0 + j]
        var shared = SharedMemory.GetDynamic<T>();
        var aTile = shared.SubView(0, Depth * size);
        var bTile = shared.SubView(Depth * size, Depth * size);
        var acc = LocalMemory.Allocate<T>(Work * Work);
        for (int w = 0; w < Work * Work; w++) acc[w] = T.Zero;

        for (int k0 = 0; k0 < k; k0 += Depth)
        {
            for (int l = thread; l < Depth * size; l += threads * threads)
            {
                int kk = l / size, i = l % size, depth = k0 + kk;
                aTile[l] = row0 + i < m && depth < k ? a.Read(row0 + i, depth) : T.Zero;
                bTile[l] = col0 + i < n && depth < k ? b.Read(depth, col0 + i) : T.Zero;
            }
            Group.Barrier();
            for (int kk = 0; kk < Depth; kk++)
                for (int wi = 0; wi < Work; wi++)
                {
                    T aValue = aTile[kk * size + ty + wi * threads];
                    for (int wj = 0; wj < Work; wj++)
                        acc[wi * Work + wj] += aValue * bTile[kk * size + tx + wj * threads];
                }
            Group.Barrier();
        }

        for (int wi = 0; wi < Work; wi++)
        {
            int row = row0 + ty + wi * threads;
            for (int wj = 0; wj < Work; wj++)
            {
                int col = col0 + tx + wj * threads;
                if (row < m && col < n) c.Write(row, col, acc[wi * Work + wj]);
            }
        }
    }

    /// <summary>The launch shape for C (m x n) with <paramref name="threads"/> x <paramref name="threads"/> work-groups,
    /// with the dynamic shared memory the two tiles need.</summary>
    public static KernelConfig Config<T>(int m, int n, int threads) where T : unmanaged
    {
        int size = threads * Work;
        return new KernelConfig(new Index2D((n + size - 1) / size, (m + size - 1) / size), new Index2D(threads, threads),
            SharedMemoryConfig.RequestDynamic<T>(2 * Depth * size));
    }

    /// <summary>Loads <see cref="Multiply{T, TA, TB, TC}"/> for one combination of operand readers and output writer.</summary>
    public static Action<KernelConfig, int, int, int, TA, TB, TC> Load<T, TA, TB, TC>(Accelerator accelerator)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T> =>
        accelerator.LoadStreamKernel<int, int, int, TA, TB, TC>(Multiply<T, TA, TB, TC>);

    /// <summary>The dense GEMM (all four transposes) for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, int, int, int, DenseMatrix<T>, DenseMatrix<T>, DenseOutput<T>> Dense { get; init; }

        public static Kernels<T> Load(Accelerator a) => new() { Dense = Load<T, DenseMatrix<T>, DenseMatrix<T>, DenseOutput<T>>(a) };
    }
}
