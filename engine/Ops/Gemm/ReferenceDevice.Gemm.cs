using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta)
    {
        var (m, n, k) = MatMulShape(a, transposeA, b, transposeB, c);
        Real.Run(c, new MatMulCall(a, transposeA, b, transposeB, c, beta, m, n, k));
    }

    private readonly unsafe record struct MatMulCall(Tensor A, bool TransposeA, Tensor B, bool TransposeB, Tensor C, double Beta, int M, int N, int K)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            GemmReference.Multiply(TransposeA, TransposeB, M, N, K, T.One, P<T>(A), A.Dim(1), P<T>(B), B.Dim(1), T.CreateChecked(Beta), P<T>(C), N);
    }
}
