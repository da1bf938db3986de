using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g) => Real.Run(x, new MaxPoolForwardCall(x, y, argmax, g));

    /// <inheritdoc/>
    public override void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g) => Real.Run(dy, new MaxPoolBackwardCall(dy, argmax, dx, g));

    private readonly record struct MaxPoolForwardCall(Tensor X, Tensor Y, Tensor Argmax, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            MaxPoolReference.Forward<T>(X.AsSpan<T>(), Y.AsSpan<T>(), Argmax.AsSpan<int>(), G);
    }

    private readonly record struct MaxPoolBackwardCall(Tensor Dy, Tensor Argmax, Tensor Dx, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            MaxPoolReference.Backward<T>(Dy.AsSpan<T>(), Argmax.AsSpan<int>(), Dx.AsSpan<T>(), G);
    }
}
