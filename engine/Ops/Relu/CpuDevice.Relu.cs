using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void ReluForward(Tensor x, Tensor y) => Real.Run(x, new ReluForwardCall(x, y));

    /// <inheritdoc/>
    public override void ReluBackward(Tensor y, Tensor dy, Tensor dx) => Real.Run(y, new ReluBackwardCall(y, dy, dx));

    private readonly unsafe record struct ReluForwardCall(Tensor X, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            VectorLoop.Map<T, ReluOp<T>>(P<T>(X), P<T>(Y), X.Length);
    }

    private readonly unsafe record struct ReluBackwardCall(Tensor Y, Tensor Dy, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            VectorLoop.Map<T, ReluGradientOp<T>>(P<T>(Y), P<T>(Dy), P<T>(Dx), Y.Length);
    }
}
