using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Batch normalisation as ILGPU kernels (equations: <see cref="BatchNormReference"/>). Training and backward run one
/// work-group per channel: the group reduces the channel's M = N·S values (<see cref="GroupReduce"/>), then every thread
/// applies the result to its share of them. Inference is a grid-stride loop over the elements.
/// </summary>
internal static class BatchNormGpu
{
    /// <summary>The scalars of one call: momentum, ε, M = N·S in the element type, and whether a ReLU is fused.</summary>
    internal readonly record struct Scalars<T>(T Momentum, T Epsilon, T Count, int Relu) where T : unmanaged;

    /// <summary>Channel <c>Grid.IdxX</c>: statistics, moving averages, and y = γ x̂ + β (then max(·, 0) with a fused ReLU).</summary>
    public static void Training<T>(ArrayView<T> x, ArrayView<T> gamma, ArrayView<T> beta, ArrayView<T> movingMean, ArrayView<T> movingVariance,
        ArrayView<T> y, ArrayView<T> batchMean, ArrayView<T> batchInvStd, ChannelShape shape, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        int channel = Grid.IdxX, lid = Group.IdxX, step = Group.DimX, count = shape.Count;
        T partial = T.Zero;
        for (int t = lid; t < count; t += step) partial += x[shape.Index(t, channel)];
        T mean = GroupReduce.Sum(scratch, partial) / s.Count;
        // A second pass over squared deviations, not E[x²] - μ², which cancels in float32.
        partial = T.Zero;
        for (int t = lid; t < count; t += step)
        {
            T d = x[shape.Index(t, channel)] - mean;
            partial += d * d;
        }
        T variance = GroupReduce.Sum(scratch, partial) / s.Count;
        T invStd = T.One / T.Sqrt(variance + s.Epsilon);
        if (lid == 0)
        {
            batchMean[channel] = mean;
            batchInvStd[channel] = invStd;
            movingMean[channel] = s.Momentum * movingMean[channel] + (T.One - s.Momentum) * mean;
            movingVariance[channel] = s.Momentum * movingVariance[channel] + (T.One - s.Momentum) * variance;
        }
        T scale = gamma[channel] * invStd, shift = beta[channel] - mean * scale;
        for (int t = lid; t < count; t += step)
        {
            int at = shape.Index(t, channel);
            T v = x[at] * scale + shift;
            y[at] = s.Relu != 0 && !(v > T.Zero) ? T.Zero : v;
        }
    }

    /// <summary>y = γ (x - moving mean)/√(moving variance + ε) + β for every element (then max(·, 0) with a fused ReLU).</summary>
    public static void Inference<T>(ArrayView<T> x, ArrayView<T> gamma, ArrayView<T> beta, ArrayView<T> movingMean, ArrayView<T> movingVariance,
        ArrayView<T> y, ChannelShape shape, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = shape.N * shape.C * shape.S;
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            int channel = i / shape.S % shape.C;
            T scale = gamma[channel] / T.Sqrt(movingVariance[channel] + s.Epsilon);
            T v = x[i] * scale + (beta[channel] - movingMean[channel] * scale);
            y[i] = s.Relu != 0 && !(v > T.Zero) ? T.Zero : v;
        }
    }

    /// <summary>
    /// Channel <c>Grid.IdxX</c>: dβ = Σ dy, dγ = Σ dy x̂, dx = a dy + b (x - μ) + d. With a fused ReLU, dy is first
    /// masked by [y &gt; 0] and written back (each thread rewrites the values it reads again in the second loop).
    /// </summary>
    public static void Backward<T>(ArrayView<T> x, ArrayView<T> dy, ArrayView<T> gamma, ArrayView<T> batchMean, ArrayView<T> batchInvStd,
        ArrayView<T> dx, ArrayView<T> dGamma, ArrayView<T> dBeta, ArrayView<T> reluOutput, ChannelShape shape, Scalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        int channel = Grid.IdxX, lid = Group.IdxX, step = Group.DimX, count = shape.Count;
        T mean = batchMean[channel], invStd = batchInvStd[channel];
        T partialDy = T.Zero, partialDyX = T.Zero;
        for (int t = lid; t < count; t += step)
        {
            int at = shape.Index(t, channel);
            T g = dy[at];
            if (s.Relu != 0 && !(reluOutput[at] > T.Zero))
            {
                g = T.Zero;
                dy[at] = g;
            }
            partialDy += g;
            partialDyX += g * (x[at] - mean);
        }
        T sumDy = GroupReduce.Sum(scratch, partialDy);
        T sumDyXhat = GroupReduce.Sum(scratch, partialDyX) * invStd;
        if (lid == 0)
        {
            dBeta[channel] = sumDy;
            dGamma[channel] = sumDyXhat;
        }
        T a = gamma[channel] * invStd;
        T b = -a * invStd * sumDyXhat / s.Count;
        T d = -a * sumDy / s.Count;
        for (int t = lid; t < count; t += step)
        {
            int at = shape.Index(t, channel);
            dx[at] = dy[at] * a + (x[at] - mean) * b + d;
        }
    }

    /// <summary>The batch-normalisation kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
            ArrayView<T>, ChannelShape, Scalars<T>> Training { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelShape,
            Scalars<T>> Inference { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
            ArrayView<T>, ArrayView<T>, ChannelShape, Scalars<T>> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Training = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
                ArrayView<T>, ChannelShape, Scalars<T>>(BatchNormGpu.Training),
            Inference = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
                ChannelShape, Scalars<T>>(BatchNormGpu.Inference),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
                ArrayView<T>, ArrayView<T>, ChannelShape, Scalars<T>>(BatchNormGpu.Backward),
        };
    }
}
