using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias) => Real.Run(y, new AddRowBiasCall(this, y, bias));

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums) => ChannelSum(x, sums, x.Dim(0), (int)(x.Length / Math.Max(1, x.Dim(0))), 1);

    /// <summary>sums[c] = Σ over n and s of x viewed as [n, c, s] (SumRows, and Conv2D's bias gradient): one launch.</summary>
    internal void ChannelSum(Tensor x, Tensor sums, int n, int c, int s) => Real.Run(x, new ChannelSumCall(this, x, sums, n, c, s));

    /// <summary>x [n, c, s] sliced so that the per-channel reductions fill the device (<see cref="ChannelSlices"/>).</summary>
    internal ChannelSlices Slices(int n, int c, int s) => ChannelSlices.For(n, c, s, ForcedReductionGroups ?? MaxStrideGroups, ReduceGroupSize);

    /// <summary>Work-groups the per-channel reductions aim at instead of the device's (tests: several slices per channel
    /// on ilgpu-cpu, which has two).</summary>
    internal int? ForcedReductionGroups { get; set; }

    private readonly record struct AddRowBiasCall(GpuDevice Device, Tensor Y, Tensor Bias) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Length == 0) return;
            Device.Launch(Device.Kernels<BiasGpu.Kernels<T>>().AddRowBias)(Device.Stride(Y.Length), Device.View<T>(Y), Device.View<T>(Bias), (int)Bias.Length, (int)Y.Length);
        }
    }

    private readonly record struct ChannelSumCall(GpuDevice Device, Tensor X, Tensor Sums, int N, int C, int S) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (C == 0) return;
            var slices = Device.Slices(N, C, S);
            var kernels = Device.Kernels<BiasGpu.Kernels<T>>();
            var partials = Device.ScratchView<T>(Scratch.ChannelPartials, slices.Groups);
            var counters = Device.ZeroedScratchView(Scratch.ChannelCounters, C);
            Device.Launch(kernels.ChannelSum)((slices.Groups, Device.ReduceGroupSize), Device.View<T>(X), partials, counters, Device.View<T>(Sums), slices);
        }
    }
}
