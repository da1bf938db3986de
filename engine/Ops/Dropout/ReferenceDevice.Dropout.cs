using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId) =>
        Real.Run(x, new DropoutForwardCall(x, y, mask, rate, seed, step, layerId));

    /// <inheritdoc/>
    public override void DropoutBackward(Tensor dy, Tensor mask, Tensor dx) => Real.Run(dy, new DropoutBackwardCall(dy, mask, dx));

    private readonly record struct DropoutForwardCall(Tensor X, Tensor Y, Tensor Mask, double Rate, ulong Seed, ulong Step, uint LayerId)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            DropoutReference.Forward<T>(X.AsSpan<T>(), Y.AsSpan<T>(), Mask.AsSpan<T>(), Rate, Seed, Step, LayerId);
    }

    private readonly record struct DropoutBackwardCall(Tensor Dy, Tensor Mask, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            DropoutReference.Backward<T>(Dy.AsSpan<T>(), Mask.AsSpan<T>(), Dx.AsSpan<T>());
    }
}
