using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Bias kernels (equations: <see cref="BiasReference"/>): the row bias of Dense, and per-channel sums over x viewed as
/// [N, C, S] (Dense's bias gradient with S = 1, Conv2D's with S = OH·OW) in two launches: work-groups over slices of
/// every channel (<see cref="ChannelSlices"/>), then one thread per channel adding its slices' partial sums.
/// </summary>
internal static class BiasGpu
{
    /// <summary>y[n, j] += bias[j] over the n elements of y [N, features].</summary>
    public static void AddRowBias<T>(ArrayView<T> y, ArrayView<T> bias, int features, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) y[i] += bias[i % features];
    }

    /// <summary>partials[g] = Σ of x over slice g of <paramref name="slices"/> (its work-group's channel and slice),
    /// each thread a compensated sum of every group-size-th value.</summary>
    public static void ChannelPartials<T>(ArrayView<T> x, ArrayView<T> partials, ChannelSlices slices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        var (channel, _, first, end) = ChannelReduce.Slice(slices);
        var partial = default(CompensatedSum<T>);
        for (int t = first + Group.IdxX; t < end; t += Group.DimX) partial.Add(x[slices.Index(t, channel)]);
        T total = GroupReduce.Sum(scratch, partial.Value);
        if (Group.IdxX == 0) partials[Grid.IdxX] = total;
    }

    /// <summary>sums[c] = Σ of channel c's partials, in order (a grid-stride loop over the channels).</summary>
    public static void ChannelTotals<T>(ArrayView<T> partials, ArrayView<T> sums, ChannelSlices slices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = GridStride.First; c < slices.C; c += GridStride.Step) sums[c] = ChannelReduce.Total(partials, slices, c, 1, 0);
    }

    /// <summary>The bias kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, int> AddRowBias { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ChannelSlices> ChannelPartials { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ChannelSlices> ChannelTotals { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            AddRowBias = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, int>(BiasGpu.AddRowBias),
            ChannelPartials = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ChannelSlices>(BiasGpu.ChannelPartials),
            ChannelTotals = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ChannelSlices>(BiasGpu.ChannelTotals),
        };
    }
}
