using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Bias kernels (equations: <see cref="BiasReference"/>): the row bias of Dense, and per-channel sums over x viewed as
/// [N, C, S] (Dense's bias gradient with S = 1, Conv2D's with S = OH·OW) in one launch of work-groups over slices of
/// every channel (<see cref="ChannelSlices"/>).
/// </summary>
internal static class BiasGpu
{
    /// <summary>y[n, j] += bias[j] over the n elements of y [N, features].</summary>
    public static void AddRowBias<T>(ArrayView<T> y, ArrayView<T> bias, int features, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) y[i] += bias[i % features];
    }

    /// <summary>sums[c] = Σ over n and s of x[n, c, s]: each work-group adds one slice of a channel (compensated
    /// per-thread sums, then a tree) into partials[g]; the channel's last group to finish adds its partials in order.</summary>
    public static void ChannelSum<T>(ArrayView<T> x, ArrayView<T> partials, ArrayView<int> counters, ArrayView<T> sums, ChannelSlices slices)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        var flag = SharedMemory.Allocate<int>(1);
        var (channel, _, first, end) = ChannelReduce.Slice(slices);
        var partial = default(CompensatedSum<T>);
        for (int t = first + Group.IdxX; t < end; t += Group.DimX) partial.Add(x[slices.Index(t, channel)]);
        T total = GroupReduce.Sum(scratch, partial.Value);
        if (Group.IsFirstThread) partials[Grid.IdxX] = total;
        if (LastArrival.Arrive(counters, channel, slices.Slices, flag) && Group.IsFirstThread) sums[channel] = ChannelReduce.Total(partials, slices, channel, 1, 0);
    }

    /// <summary>The bias kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, int> AddRowBias { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ChannelSlices> ChannelSum { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            AddRowBias = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, int>(BiasGpu.AddRowBias),
            ChannelSum = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ChannelSlices>(BiasGpu.ChannelSum),
        };
    }
}
