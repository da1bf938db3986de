using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>The sizes of one <see cref="GemmGpu"/> launch: C (M x N) = op(A) (M x K) · op(B) (K x N), the depth split
/// into <see cref="Splits"/> ranges of <see cref="SplitDepth"/> (split-K; 1 range of K when not split).</summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Depth.</param>
/// <param name="Splits">Depth ranges, each computed by its own work-groups into its own rows of a workspace.</param>
/// <param name="SplitDepth">Depth of each range, a multiple of the tile depth.</param>
internal readonly record struct GemmShape(int M, int N, int K, int Splits, int SplitDepth);

/// <summary>
/// General matrix multiply as an ILGPU kernel (equations: <see cref="GemmReference"/>), register-blocked after siboehm's
/// "How to optimize a CUDA matmul kernel" and CUTLASS's SIMT SGEMM: one kernel for every transpose and operand layout,
/// generic over how A and B are read and C is written, so the convolutions are the same kernel with im2col-style
/// readers (implicit GEMM, see <see cref="ConvolutionGpu"/>) and a writer that adds the bias and applies the ReLU.
/// </summary>
/// <remarks>
/// <para>A work-group computes a BM x BN tile of C (<see cref="IGemmTile"/>). It walks the depth BK at a time through two
/// shared-memory buffers of op(A)'s BM x BK slice and op(B)'s BK x BN slice, both stored depth-major
/// (<c>[kk][i]</c>, rows padded by 4): while it multiplies from one buffer, the next slice goes to the other, so one
/// barrier per step suffices. Slices are read four elements at a time along each operand's contiguous direction
/// (<see cref="IMatrixReader{T}.Read4"/>: a vector load for aligned dense operands), with zeros outside the matrix:
/// partial tiles at the edges take the same path as full ones, with no slow path for a whole matrix.</para>
/// <para>Each thread keeps an 8 x 8 block of C in registers (<see cref="RegisterTile8x8{T}"/>); per depth step it reads
/// two quads of op(A) and two of op(B) from shared memory (vector loads; the lanes of a warp read neighbouring quads,
/// or the same quad, so no bank conflicts) and does 64 fused multiply-adds.</para>
/// <para>Work-groups take tiles g, g + groups, ... (a launch may have fewer groups than tiles). With split-K, item
/// s·tiles + t is tile t over depth range s, written to rows s·M.. of a workspace; the last of a tile's splits to
/// finish adds them in split order (<see cref="LastArrival"/>): one launch, deterministic, no atomics on the data.
/// Used where C is small and K deep (kernel gradients, Dense layers), so that enough work-groups fill the device.</para>
/// </remarks>
internal static class GemmGpu
{
    /// <summary>C = op(A)·op(B) through the readers and the writer. With more than one split, each work-group writes its
    /// tile's partial product to rows s·M.. of <paramref name="partials"/>, and the last of a tile's splits to finish
    /// (<paramref name="tileCounters"/>, one per tile, zero between launches) adds them in split order through the writer.</summary>
    public static void Multiply<T, TTile, TA, TB, TC>(GemmShape shape, TA a, TB b, TC c, ArrayView<T> partials, ArrayView<int> tileCounters)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTile : struct, IGemmTile
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        int bm = GemmTile.Rows<TTile>(), bn = GemmTile.Columns<TTile>(), depth = TTile.Depth;
        var sharedA = SharedMemory.Allocate<T>(GemmTile.SharedA<TTile>());
        var sharedB = SharedMemory.Allocate<T>(GemmTile.SharedB<TTile>());
        var lastFlag = SharedMemory.Allocate<int>(1);
        int stageA = depth * (bm + GemmTile.Pad), stageB = depth * (bn + GemmTile.Pad);
        // op(B) is staged like op(A), as its transpose: both panels are [index][depth] matrices read depth-major.
        var bt = new Transposed<T, TB>(b);

        int thread = Group.IdxX, lanes = TTile.LanesM * TTile.LanesN, lane = thread % lanes, warp = thread / lanes;
        int r0 = warp / TTile.WarpsN * (GemmTile.PerThread * TTile.LanesM) + lane / TTile.LanesN * 4;
        int c0 = warp % TTile.WarpsN * (GemmTile.PerThread * TTile.LanesN) + lane % TTile.LanesN * 4;
        int m = shape.M, n = shape.N;
        int tileColumns = (n + bn - 1) / bn, tiles = tileColumns * ((m + bm - 1) / bm);

        for (int item = Grid.IdxX; item < tiles * shape.Splits; item += Grid.DimX)
        {
            int tile = item % tiles, split = item / tiles;
            int row0 = tile / tileColumns * bm, col0 = tile % tileColumns * bn;
            int kBegin = split * shape.SplitDepth, kEnd = Math.Min(shape.K, kBegin + shape.SplitDepth);
            int steps = kEnd > kBegin ? (kEnd - kBegin + depth - 1) / depth : 0;
            var acc = default(RegisterTile8x8<T>);
            if (steps > 0)
            {
                Panel<T, TTile, TA>.Load(a, sharedA, 0, thread, row0, kBegin, m, kEnd, bm);
                Panel<T, TTile, Transposed<T, TB>>.Load(bt, sharedB, 0, thread, col0, kBegin, n, kEnd, bn);
                Group.Barrier();
            }
            for (int step = 0; step < steps; step++)
            {
                int current = step & 1, next = current ^ 1, kNext = kBegin + (step + 1) * depth;
                bool more = step + 1 < steps;
                Quad<T> a0 = default, a1 = default, b0 = default, b1 = default;
                if (TTile.Staged && more)
                {
                    a0 = Panel<T, TTile, TA>.Fetch(a, thread, row0, kNext, m, kEnd, bm);
                    b0 = Panel<T, TTile, Transposed<T, TB>>.Fetch(bt, thread, col0, kNext, n, kEnd, bn);
                    if (GemmTile.QuadsA<TTile>() > 1) a1 = Panel<T, TTile, TA>.Fetch(a, thread + GemmTile.Threads<TTile>(), row0, kNext, m, kEnd, bm);
                    if (GemmTile.QuadsB<TTile>() > 1) b1 = Panel<T, TTile, Transposed<T, TB>>.Fetch(bt, thread + GemmTile.Threads<TTile>(), col0, kNext, n, kEnd, bn);
                }
                else if (more)
                {
                    Panel<T, TTile, TA>.Load(a, sharedA, next * stageA, thread, row0, kNext, m, kEnd, bm);
                    Panel<T, TTile, Transposed<T, TB>>.Load(bt, sharedB, next * stageB, thread, col0, kNext, n, kEnd, bn);
                }

                var quadsA = sharedA.Cast<Quad<T>>();
                var quadsB = sharedB.Cast<Quad<T>>();
                int atA = (current * stageA + r0) / 4, atB = (current * stageB + c0) / 4;
                int hiA = TTile.LanesM, hiB = TTile.LanesN, rowA = (bm + GemmTile.Pad) / 4, rowB = (bn + GemmTile.Pad) / 4;
                for (int kk = 0; kk < depth; kk++)
                {
                    acc.Accumulate(quadsA[atA], quadsA[atA + hiA], quadsB[atB], quadsB[atB + hiB]);
                    atA += rowA;
                    atB += rowB;
                }

                if (TTile.Staged && more)
                {
                    Panel<T, TTile, TA>.Put(sharedA, next * stageA, thread, a0, bm);
                    Panel<T, TTile, Transposed<T, TB>>.Put(sharedB, next * stageB, thread, b0, bn);
                    if (GemmTile.QuadsA<TTile>() > 1) Panel<T, TTile, TA>.Put(sharedA, next * stageA, thread + GemmTile.Threads<TTile>(), a1, bm);
                    if (GemmTile.QuadsB<TTile>() > 1) Panel<T, TTile, Transposed<T, TB>>.Put(sharedB, next * stageB, thread + GemmTile.Threads<TTile>(), b1, bn);
                }
                Group.Barrier();
            }
            int row = row0 + r0, column = col0 + c0, rowStep = 4 * TTile.LanesM, columnStep = 4 * TTile.LanesN;
            if (shape.Splits == 1)
            {
                acc.Store(c, row, column, rowStep, columnStep, m, n, 0);
                continue;
            }
            acc.Store(new DenseOutput<T>(partials, n, T.Zero), row, column, rowStep, columnStep, m, n, split * m);
            if (LastArrival.Arrive(tileCounters, tile, shape.Splits, lastFlag)) SumSplits(partials, shape, c, row, column, rowStep, columnStep);
        }
    }

    /// <summary>The last split of a tile: each thread adds its 8 x 8 elements over the splits, in order, and writes them.</summary>
    private static void SumSplits<T, TC>(ArrayView<T> partials, GemmShape shape, TC c, int row, int column, int rowStep, int columnStep)
        where T : unmanaged, IFloatingPointIeee754<T> where TC : struct, IMatrixWriter<T>
    {
        int m = shape.M, n = shape.N;
        for (int i = 0; i < GemmTile.PerThread; i++)
        {
            int r = row + (i < 4 ? i : rowStep + i - 4);
            if (r >= m) continue;
            for (int j = 0; j < GemmTile.PerThread; j++)
            {
                int col = column + (j < 4 ? j : columnStep + j - 4);
                if (col >= n) continue;
                T sum = partials[r * n + col];
                for (int s = 1; s < shape.Splits; s++) sum += partials[(s * m + r) * n + col];
                c.Write(r, col, sum);
            }
        }
    }

    /// <summary>The launch shape of <see cref="Multiply{T, TTile, TA, TB, TC}"/>: one work-group per tile and split, at
    /// most <paramref name="maxGroups"/>.</summary>
    public static KernelConfig Config<TTile>(GemmShape shape, int maxGroups) where TTile : struct, IGemmTile
    {
        long tiles = (long)((shape.N + GemmTile.Columns<TTile>() - 1) / GemmTile.Columns<TTile>()) * ((shape.M + GemmTile.Rows<TTile>() - 1) / GemmTile.Rows<TTile>());
        return new KernelConfig((int)Math.Clamp(tiles * shape.Splits, 1, maxGroups), GemmTile.Threads<TTile>());
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
        public required Action<KernelConfig, GemmShape, TA, TB, TC, ArrayView<T>, ArrayView<int>> Run { get; init; }

        public static Kernel<T, TTile, TA, TB, TC> Load(Accelerator a) =>
            new() { Run = a.LoadStreamKernel<GemmShape, TA, TB, TC, ArrayView<T>, ArrayView<int>>(Multiply<T, TTile, TA, TB, TC>) };
    }

    /// <summary>
    /// One operand's slice of a step, as an [index][depth] matrix P (op(A), or op(B)ᵀ): Width x BK elements starting at
    /// (index0, k0), stored in shared memory depth-major, <c>s[kk·(Width + 4) + i]</c>. Quad q of the slice runs along P's
    /// contiguous direction: along the depth for a row-major P (stored transposed: four scalar stores), along the index
    /// otherwise (one vector store). Thread t owns quads t, t + threads, ...
    /// </summary>
    private static class Panel<T, TTile, TR> where T : unmanaged, IFloatingPointIeee754<T> where TTile : struct, IGemmTile where TR : struct, IMatrixReader<T>
    {
        /// <summary>The first element (index, depth) of quad <paramref name="q"/>, relative to the slice.</summary>
        private static (int Index, int Depth) Origin(int q, int width)
        {
            if (TR.RowMajor) return (q / (TTile.Depth / 4), q % (TTile.Depth / 4) * 4);
            return (q % (width / 4) * 4, q / (width / 4));
        }

        public static Quad<T> Fetch(TR reader, int q, int index0, int k0, int indexBound, int kEnd, int width)
        {
            var (index, depth) = Origin(q, width);
            return reader.Read4(index0 + index, k0 + depth, indexBound, kEnd);
        }

        public static void Put(ArrayView<T> shared, int stage, int q, Quad<T> value, int width)
        {
            var (index, depth) = Origin(q, width);
            int at = stage + depth * (width + GemmTile.Pad) + index;
            if (TR.RowMajor)
            {
                int row = width + GemmTile.Pad;
                shared[at] = value.X;
                shared[at + row] = value.Y;
                shared[at + 2 * row] = value.Z;
                shared[at + 3 * row] = value.W;
            }
            else
            {
                shared.Cast<Quad<T>>()[at / 4] = value;
            }
        }

        /// <summary>Every quad of the slice this thread owns, from global memory straight to shared memory.</summary>
        public static void Load(TR reader, ArrayView<T> shared, int stage, int thread, int index0, int k0, int indexBound, int kEnd, int width)
        {
            int quads = width * TTile.Depth / 4;
            for (int q = thread; q < quads; q += GemmTile.Threads<TTile>())
                Put(shared, stage, q, Fetch(reader, q, index0, k0, indexBound, kEnd, width), width);
        }
    }
}

/// <summary>Another reader with rows and columns swapped.</summary>
internal readonly struct Transposed<T, TInner>(TInner inner) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T> where TInner : struct, IMatrixReader<T>
{
    private readonly TInner _inner = inner;

    public static bool RowMajor => !TInner.RowMajor;

    public Quad<T> Read4(int row, int column, int rows, int columns) => _inner.Read4(column, row, columns, rows);
}
