using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId) =>
        Real.Run(x, new DropoutForwardCall(this, x, y, mask, rate, seed, step, layerId));

    /// <inheritdoc/>
    public override void DropoutBackward(Tensor dy, Tensor mask, Tensor dx) => Real.Run(dy, new DropoutBackwardCall(this, dy, mask, dx));

    private readonly record struct DropoutForwardCall(GpuDevice Device, Tensor X, Tensor Y, Tensor Mask, double Rate, ulong Seed, ulong Step, uint LayerId)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Length == 0) return;
            // The same conversions as the reference: the threshold compared in float, the keep scale rounded once from double.
            var key = new DropoutGpu.Key((uint)Seed, (uint)(Seed >> 32), (uint)Step, LayerId);
            Device.Launch(Device.Kernels<DropoutGpu.Kernels<T>>().Forward)(Device.Stride((X.Length + 3) / 4), Device.View<T>(X), Device.View<T>(Y),
                Device.View<T>(Mask), (int)X.Length, (float)Rate, T.CreateChecked(1.0 / (1.0 - Rate)), key);
        }
    }

    private readonly record struct DropoutBackwardCall(GpuDevice Device, Tensor Dy, Tensor Mask, Tensor Dx) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Dy.Length == 0) return;
            Device.Launch(Device.Kernels<DropoutGpu.Kernels<T>>().Backward)(Device.Stride(Dy.Length), Device.View<T>(Dy), Device.View<T>(Mask), Device.View<T>(Dx), (int)Dy.Length);
        }
    }
}
