using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void ReluForward(Tensor x, Tensor y) => Real.Run(x, new ReluForwardCall(this, x, y));

    /// <inheritdoc/>
    public override void ReluBackward(Tensor y, Tensor dy, Tensor dx) => Real.Run(y, new ReluBackwardCall(this, y, dy, dx));

    private readonly record struct ReluForwardCall(GpuDevice Device, Tensor X, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Length == 0) return;
            Device.Launch(Device.Kernels<ReluGpu.Kernels<T>>().Forward)(Device.Stride(X.Length), Device.View<T>(X), Device.View<T>(Y), (int)X.Length);
        }
    }

    private readonly record struct ReluBackwardCall(GpuDevice Device, Tensor Y, Tensor Dy, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Length == 0) return;
            Device.Launch(Device.Kernels<ReluGpu.Kernels<T>>().Backward)(Device.Stride(Y.Length), Device.View<T>(Y), Device.View<T>(Dy), Device.View<T>(Dx), (int)Y.Length);
        }
    }
}
