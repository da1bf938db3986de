using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId) =>
        Real.Run(x, new DropoutForwardCall(x, y, mask, rate, seed, step, layerId));

    /// <inheritdoc/>
    public override void DropoutBackward(Tensor dy, Tensor mask, Tensor dx) => Real.Run(dy, new DropoutBackwardCall(dy, mask, dx));

    private readonly unsafe record struct DropoutForwardCall(Tensor X, Tensor Y, Tensor Mask, double Rate, ulong Seed, ulong Step, uint LayerId)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            DropoutCpu.Forward(P<T>(X), P<T>(Y), P<T>(Mask), X.Length, Rate, Seed, Step, LayerId);
    }

    private readonly unsafe record struct DropoutBackwardCall(Tensor Dy, Tensor Mask, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            VectorLoop.Map<T, MultiplyOp<T>>(P<T>(Dy), P<T>(Mask), P<T>(Dx), Dy.Length);
    }
}
