using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void ReluForward(Tensor x, Tensor y) => Real.Run(x, new ReluForwardCall(x, y));

    /// <inheritdoc/>
    public override void ReluBackward(Tensor y, Tensor dy, Tensor dx) => Real.Run(y, new ReluBackwardCall(y, dy, dx));

    private readonly record struct ReluForwardCall(Tensor X, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => ReluReference.Forward<T>(X.AsSpan<T>(), Y.AsSpan<T>());
    }

    private readonly record struct ReluBackwardCall(Tensor Y, Tensor Dy, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            ReluReference.Backward<T>(Y.AsSpan<T>(), Dy.AsSpan<T>(), Dx.AsSpan<T>());
    }
}
