using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Bias kernels (equations: <see cref="BiasReference"/>): the row bias of Dense, and per-channel sums over x viewed as
/// [N, C, S], one work-group per channel: Dense's bias gradient (S = 1) and Conv2D's (S = OH·OW).
/// </summary>
internal static class BiasGpu
{
    /// <summary>y[n, j] += bias[j] over the n elements of y [N, features].</summary>
    public static void AddRowBias<T>(ArrayView<T> y, ArrayView<T> bias, int features, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) y[i] += bias[i % features];
    }

    /// <summary>sums[c] = Σ over n and s of x[n, c, s]; work-group c strides over the channel's N·S values.</summary>
    public static void ChannelSum<T>(ArrayView<T> x, ArrayView<T> sums, ChannelShape shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        int channel = Grid.IdxX;
        T partial = T.Zero;
        for (int t = Group.IdxX; t < shape.Count; t += Group.DimX) partial += x[shape.Index(t, channel)];
        T total = GroupReduce.Sum(scratch, partial);
        if (Group.IdxX == 0) sums[channel] = total;
    }

    /// <summary>The bias kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, int> AddRowBias { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ChannelShape> ChannelSum { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            AddRowBias = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, int>(BiasGpu.AddRowBias),
            ChannelSum = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ChannelShape>(BiasGpu.ChannelSum),
        };
    }
}

/// <summary>x viewed as [N, C, S] for the per-channel kernels: the t-th of channel c's M = N·S values is
/// x[((t / S)·C + c)·S + t % S].</summary>
/// <param name="N">Images (or rows).</param>
/// <param name="C">Channels.</param>
/// <param name="S">Values per image and channel (H·W, or 1).</param>
internal readonly record struct ChannelShape(int N, int C, int S)
{
    /// <summary>M = N·S, the values of one channel.</summary>
    public int Count => N * S;

    /// <summary>The flat index of the t-th value of channel c.</summary>
    public int Index(int t, int channel) => ((t / S) * C + channel) * S + t % S;
}
