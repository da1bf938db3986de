using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g) => Real.Run(x, new MaxPoolForwardCall(this, x, y, argmax, g));

    /// <inheritdoc/>
    public override void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g) => Real.Run(dy, new MaxPoolBackwardCall(this, dy, argmax, dx, g));

    private readonly record struct MaxPoolForwardCall(GpuDevice Device, Tensor X, Tensor Y, Tensor Argmax, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Length == 0) return;
            Device.Launch(Device.Kernels<MaxPoolGpu.Kernels<T>>().Forward)(Device.Stride(Y.Length), Device.View<T>(X), Device.View<T>(Y), Device.View<int>(Argmax), new MaxPoolGpu.Layout(G), (int)Y.Length);
        }
    }

    private readonly record struct MaxPoolBackwardCall(GpuDevice Device, Tensor Dy, Tensor Argmax, Tensor Dx, Pool2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Dx.Length == 0) return;
            Device.Launch(Device.Kernels<MaxPoolGpu.Kernels<T>>().Backward)(Device.Stride(Dx.Length), Device.View<T>(Dy), Device.View<int>(Argmax), Device.View<T>(Dx), new MaxPoolGpu.Layout(G), (int)Dx.Length);
        }
    }
}
