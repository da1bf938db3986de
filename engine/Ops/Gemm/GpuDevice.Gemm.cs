using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <summary>Every plan from now on, for the variant sweep and tests: a tile shape and split count instead of
    /// <see cref="GemmPlanner"/>'s choice (the split applies only where a product may be split; 0 lets the planner split
    /// for that tile shape).</summary>
    internal GemmPlan? ForcedGemmPlan { get; set; }

    /// <summary>The plan of the last product launched (for the sweep's report).</summary>
    internal GemmPlan LastGemmPlan { get; private set; }

    /// <summary>What <see cref="GemmPlanner"/> knows of this accelerator.</summary>
    internal GemmTarget GemmTarget => new(_accelerator.NumMultiprocessors, _accelerator.MaxNumThreadsPerGroup,
        _accelerator.MaxNumThreadsPerMultiprocessor,
        _accelerator is ILGPU.Runtime.Cuda.CudaAccelerator cuda ? cuda.Device.MaxSharedMemoryPerMultiprocessor : _accelerator.MaxSharedMemoryPerGroup, IsCpuAccelerator);

    /// <inheritdoc/>
    public override void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta)
    {
        var (m, n, k) = MatMulShape(a, transposeA, b, transposeB, c);
        Real.Run(c, new MatMulCall(this, a, transposeA, b, transposeB, c, beta, m, n, k));
    }

    /// <summary>
    /// C (m x n) = op(A) (m x k) · op(B) (k x n) through the writer, one launch: every matrix product of the device
    /// (MatMul and the three convolution passes) goes through here. With <paramref name="splittable"/> the plan may split
    /// the depth (products whose C is small next to their depth: kernel gradients, Dense layers); the splits meet in a
    /// workspace inside the same launch (<see cref="GemmGpu"/>), so the launch count never depends on the sizes.
    /// </summary>
    /// <exception cref="GpuException">A forced plan's tile does not fit this accelerator.</exception>
    internal void Gemm<T, TA, TB, TC>(int m, int n, int k, TA a, TB b, TC c, bool splittable)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        if (m == 0 || n == 0) return;
        var plan = ForcedGemmPlan is { } forced
            ? forced.Splits > 0 ? forced with { Splits = splittable ? forced.Splits : 1 } : GemmPlanner.Choose(m, n, k, splittable, typeof(T) == typeof(double), GemmTarget, forced.Variant)
            : GemmPlanner.Choose(m, n, k, splittable, typeof(T) == typeof(double), GemmTarget);
        LastGemmPlan = plan;
        var call = new GemmCall<T, TA, TB, TC>(this, m, n, k, a, b, c, plan.Splits, splittable);
        switch (plan.Variant)
        {
            case GemmVariant.Cpu16x16x128: call.Run<CpuTile>(); break;
            case GemmVariant.Gpu128x128x8: call.Run<Tile128x128x8>(); break;
            case GemmVariant.Gpu128x128x16: call.Run<Tile128x128x16>(); break;
            case GemmVariant.Gpu128x128x8Direct: call.Run<Tile128x128x8Direct>(); break;
            case GemmVariant.Gpu128x64x8: call.Run<Tile128x64x8>(); break;
            case GemmVariant.Gpu64x128x8: call.Run<Tile64x128x8>(); break;
            case GemmVariant.Gpu64x64x8: call.Run<Tile64x64x8>(); break;
            case GemmVariant.Gpu32x256x16: call.Run<Tile32x256x16>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(plan), plan.Variant, "unknown GEMM variant");
        }
    }

    private readonly record struct GemmCall<T, TA, TB, TC>(GpuDevice Device, int M, int N, int K, TA A, TB B, TC C, int Splits, bool Splittable)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        public void Run<TTile>() where TTile : struct, IGemmTile
        {
            if (GemmTile.Invalid<TTile>() is { } invalid) throw new GpuException($"GEMM tile {typeof(TTile).Name}: {invalid}");
            int threads = GemmTile.Threads<TTile>();
            if (threads > Device._accelerator.MaxNumThreadsPerGroup)
                throw new GpuException($"{Device.Name}: GEMM tile {typeof(TTile).Name} needs {threads} threads per group, the device has {Device._accelerator.MaxNumThreadsPerGroup}");
            int maxGroups = Device.IsCpuAccelerator ? Device.MaxStrideGroups : int.MaxValue;
            // Each split covers whole steps of the tile's depth, so a quad never straddles two splits.
            int splitDepth = Math.Max(TTile.Depth, ((K + Splits - 1) / Splits + TTile.Depth - 1) / TTile.Depth * TTile.Depth);
            var shape = new GemmShape(M, N, K, Splits, splitDepth);
            long tiles = (long)((N + GemmTile.Columns<TTile>() - 1) / GemmTile.Columns<TTile>()) * ((M + GemmTile.Rows<TTile>() - 1) / GemmTile.Rows<TTile>());
            long elements = Splits > 1 ? (long)Splits * M * N : 1;
            if (elements > int.MaxValue) throw new GpuException($"GEMM workspace of {Splits} x {M} x {N} elements is too large");
            var partials = Device.ScratchView<T>(Scratch.GemmPartials, elements);
            var counters = Device.ZeroedScratchView(Scratch.GemmTileCounters, Splits > 1 ? tiles : 1);
            Device.Launch(Device.Kernels<GemmGpu.Kernel<T, TTile, TA, TB, TC>>().Run)(GemmGpu.Config<TTile>(shape, maxGroups), shape, A, B, C, partials, counters);
        }
    }

    /// <summary>MatMul's operands as readers: row-major A [m, k] or, transposed, A [k, m] read column-major; likewise B;
    /// each as aligned quads (vector loads) when its contiguous dimension is a multiple of 4, else element by element.</summary>
    private readonly record struct MatMulCall(GpuDevice Device, Tensor A, bool TransposeA, Tensor B, bool TransposeB, Tensor C, double Beta,
        int M, int N, int K) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var a = Device.View<T>(A);
            if (!TransposeA && K % 4 == 0) WithA<T, RowMajorQuads<T>>(new(a, K));
            else if (!TransposeA) WithA<T, RowMajorMatrix<T>>(new(a, K));
            else if (M % 4 == 0) WithA<T, ColumnMajorQuads<T>>(new(a, M));
            else WithA<T, ColumnMajorMatrix<T>>(new(a, M));
        }

        private void WithA<T, TA>(TA a) where T : unmanaged, IFloatingPointIeee754<T> where TA : struct, IMatrixReader<T>
        {
            var b = Device.View<T>(B);
            if (!TransposeB && N % 4 == 0) Multiply<T, TA, RowMajorQuads<T>>(a, new(b, N));
            else if (!TransposeB) Multiply<T, TA, RowMajorMatrix<T>>(a, new(b, N));
            else if (K % 4 == 0) Multiply<T, TA, ColumnMajorQuads<T>>(a, new(b, K));
            else Multiply<T, TA, ColumnMajorMatrix<T>>(a, new(b, K));
        }

        // MatMul is Dense's product: C is [batch, units] or a kernel-sized gradient, small next to the work when the
        // depth is large, so it may be split.
        private void Multiply<T, TA, TB>(TA a, TB b) where T : unmanaged, IFloatingPointIeee754<T> where TA : struct, IMatrixReader<T> where TB : struct, IMatrixReader<T> =>
            Device.Gemm<T, TA, TB, DenseOutput<T>>(M, N, K, a, b, new DenseOutput<T>(Device.View<T>(C), N, T.CreateChecked(Beta)), splittable: true);
    }
}
