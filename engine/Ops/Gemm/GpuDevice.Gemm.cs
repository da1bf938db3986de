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

    private readonly record struct MatMulCall(GpuDevice Device, Tensor A, bool TransposeA, Tensor B, bool TransposeB, Tensor C, double Beta,
        int M, int N, int K) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (M == 0 || N == 0) return;
            Device.Launch(Device.Kernels<GemmGpu.Kernels<T>>().Dense)(GemmGpu.Config<T>(M, N, Device.GemmThreads), M, N, K,
                new DenseMatrix<T>(Device.View<T>(A), A.Dim(1), TransposeA), new DenseMatrix<T>(Device.View<T>(B), B.Dim(1), TransposeB),
                new DenseOutput<T>(Device.View<T>(C), N, T.CreateChecked(Beta)));
        }
    }
}
