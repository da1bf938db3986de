using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void SoftmaxForward(Tensor x, Tensor y) => Real.Run(x, new SoftmaxForwardCall(this, x, y));

    /// <inheritdoc/>
    public override void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx) => Real.Run(y, new SoftmaxBackwardCall(this, y, dy, dx));

    private readonly record struct SoftmaxForwardCall(GpuDevice Device, Tensor X, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Dim(0) == 0) return;
            Device.Launch(Device.Kernels<SoftmaxGpu.Kernels<T>>().Forward)(Device.Stride(X.Dim(0)), Device.View<T>(X), Device.View<T>(Y), X.Dim(1), X.Dim(0));
        }
    }

    private readonly record struct SoftmaxBackwardCall(GpuDevice Device, Tensor Y, Tensor Dy, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Dim(0) == 0) return;
            Device.Launch(Device.Kernels<SoftmaxGpu.Kernels<T>>().Backward)(Device.Stride(Y.Dim(0)), Device.View<T>(Y), Device.View<T>(Dy), Device.View<T>(Dx), Y.Dim(1), Y.Dim(0));
        }
    }
}
