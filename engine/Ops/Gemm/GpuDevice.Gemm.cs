using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta)
    {
        var (m, n, k) = MatMulShape(a, transposeA, b, transposeB, c);
        Real.Run(c, new MatMulCall(this, a, transposeA, b, transposeB, c, beta, m, n, k));
    }

    /// <summary>One launch of the tiled GEMM, C (m x n) = op(A) (m x k) · op(B) (k x n), with this accelerator's tile
    /// shape: every matrix product of the device (MatMul and the three convolution passes) goes through here.</summary>
    internal void Gemm<T, TA, TB, TC>(int m, int n, int k, TA a, TB b, TC c)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TA : struct, IMatrixReader<T>
        where TB : struct, IMatrixReader<T>
        where TC : struct, IMatrixWriter<T>
    {
        if (m == 0 || n == 0) return;
        if (IsCpuAccelerator)
            Launch(Kernels<GemmGpu.Kernel<T, CpuTile, TA, TB, TC>>().Run)(GemmGpu.Config<T, CpuTile>(m, n, GemmThreads, MaxStrideGroups), m, n, k, a, b, c);
        else
            Launch(Kernels<GemmGpu.Kernel<T, GpuTile, TA, TB, TC>>().Run)(GemmGpu.Config<T, GpuTile>(m, n, GemmThreads, int.MaxValue), m, n, k, a, b, c);
    }

    private readonly record struct MatMulCall(GpuDevice Device, Tensor A, bool TransposeA, Tensor B, bool TransposeB, Tensor C, double Beta,
        int M, int N, int K) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Device.Gemm<T, DenseMatrix<T>, DenseMatrix<T>, DenseOutput<T>>(M, N, K, new DenseMatrix<T>(Device.View<T>(A), A.Dim(1), TransposeA), new DenseMatrix<T>(Device.View<T>(B), B.Dim(1), TransposeB),
                new DenseOutput<T>(Device.View<T>(C), N, T.CreateChecked(Beta)));
    }
}
