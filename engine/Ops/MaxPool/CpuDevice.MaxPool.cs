using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g) => Real.Run(x, new MaxPoolForwardCall(x, y, argmax, g));

    /// <inheritdoc/>
    public override void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g) => Real.Run(dy, new MaxPoolBackwardCall(dy, argmax, dx, g));

    private readonly unsafe record struct MaxPoolForwardCall(Tensor X, Tensor Y, Tensor Argmax, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => MaxPoolCpu.Forward(P<T>(X), P<T>(Y), P<int>(Argmax), G);
    }

    private readonly unsafe record struct MaxPoolBackwardCall(Tensor Dy, Tensor Argmax, Tensor Dx, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => MaxPoolCpu.Backward(P<T>(Dy), P<int>(Argmax), P<T>(Dx), G);
    }
}
