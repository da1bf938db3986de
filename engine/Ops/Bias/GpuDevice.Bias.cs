using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias) => Real.Run(y, new AddRowBiasCall(this, y, bias));

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums) => ChannelSum(x, sums, new ChannelShape(x.Dim(0), (int)(x.Length / Math.Max(1, x.Dim(0))), 1));

    /// <summary>sums[c] = Σ over n and s of x viewed as <paramref name="shape"/> (SumRows, and Conv2D's bias gradient).</summary>
    internal void ChannelSum(Tensor x, Tensor sums, ChannelShape shape) => Real.Run(x, new ChannelSumCall(this, x, sums, shape));

    private readonly record struct AddRowBiasCall(GpuDevice Device, Tensor Y, Tensor Bias) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Length == 0) return;
            Device.Launch(Device.Kernels<BiasGpu.Kernels<T>>().AddRowBias)(Device.Stride(Y.Length), Device.View<T>(Y), Device.View<T>(Bias), (int)Bias.Length, (int)Y.Length);
        }
    }

    private readonly record struct ChannelSumCall(GpuDevice Device, Tensor X, Tensor Sums, ChannelShape Shape) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Shape.C == 0) return;
            Device.Launch(Device.Kernels<BiasGpu.Kernels<T>>().ChannelSum)((Shape.C, Device.ReduceGroupSize), Device.View<T>(X), Device.View<T>(Sums), Shape);
        }
    }
}
