using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

// Softmax rows are K = 4 to 8 classes long, too short for SIMD: the CPU and reference devices both run the reference.
public abstract partial class HostDevice
{
    /// <inheritdoc/>
    public override void SoftmaxForward(Tensor x, Tensor y) => Real.Run(x, new SoftmaxForwardCall(x, y));

    /// <inheritdoc/>
    public override void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx) => Real.Run(y, new SoftmaxBackwardCall(y, dy, dx));

    private readonly record struct SoftmaxForwardCall(Tensor X, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            SoftmaxReference.Forward<T>(X.AsSpan<T>(), Y.AsSpan<T>(), X.Dim(0), X.Dim(1));
    }

    private readonly record struct SoftmaxBackwardCall(Tensor Y, Tensor Dy, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            SoftmaxReference.Backward<T>(Y.AsSpan<T>(), Dy.AsSpan<T>(), Dx.AsSpan<T>(), Y.Dim(0), Y.Dim(1));
    }
}
