using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Batch normalisation as ILGPU kernels (equations: <see cref="BatchNormReference"/>), two launches per pass, with the
/// whole device busy however few the channels:
/// <list type="number">
/// <item>sums: work-groups over slices of every channel (<see cref="ChannelSlices"/>) reduce their values with
/// compensated per-thread sums and a shared-memory tree; the last group of a channel to finish
/// (<see cref="LastArrival"/>) adds the slices' partials in order and turns them into the per-channel coefficients (and,
/// in training, the batch statistics and moving averages);</item>
/// <item>apply: a grid-stride loop over every element.</item>
/// </list>
/// Inference has no sums: a thread per channel computes the coefficients from the moving statistics.
/// Training reads x twice (statistics, then y) where the two-pass reference reads it three times: the statistics are
/// sums of d = x - K and d² with the shift K = the channel's first value (Chan, Golub and LeVeque 1983, "shifted
/// data"), so σ² = (Σd² - (Σd)²/M)/M cancels only as much as K is far from μ, a few standard deviations at worst.
/// Backward reads x and dy twice: dβ = Σ dy and Σ dy·(x - μ), then dx = a·dy + b·(x - μ) + d.
/// </summary>
internal static class BatchNormGpu
{
    /// <summary>The scalars of one call: momentum, ε, M = N·S in the element type, and whether a ReLU is fused.</summary>
    internal readonly record struct Scalars<T>(T Momentum, T Epsilon, T Count, int Relu) where T : unmanaged;

    /// <summary>Training, pass 1: each work-group sums d = x - K and d² over one slice of a channel into partials[2g] and
    /// partials[2g + 1]; the channel's last group to finish turns them into μ, σ², r, the moving averages and the
    /// coefficients of y = x·scale + shift (coefficients[2c], coefficients[2c + 1]).</summary>
    public static void Statistics<T>(ArrayView<T> x, ArrayView<T> partials, ArrayView<int> counters, ArrayView<T> gamma, ArrayView<T> beta,
        ArrayView<T> movingMean, ArrayView<T> movingVariance, ArrayView<T> batchMean, ArrayView<T> batchInvStd, ArrayView<T> coefficients,
        ChannelSlices slices, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        var flag = SharedMemory.Allocate<int>(1);
        var (c, _, first, end) = ChannelReduce.Slice(slices);
        T shift = x[slices.Index(0, c)];
        var sum = default(CompensatedSum<T>);
        var squares = default(CompensatedSum<T>);
        for (int t = first + Group.IdxX; t < end; t += Group.DimX)
        {
            T d = x[slices.Index(t, c)] - shift;
            sum.Add(d);
            squares.Add(d * d);
        }
        if (!ChannelReduce.StorePair(scratch, flag, partials, counters, sum.Value, squares.Value, c, slices) || !Group.IsFirstThread) return;
        T total = ChannelReduce.Total(partials, slices, c, 2, 0), totalSquares = ChannelReduce.Total(partials, slices, c, 2, 1);
        T meanShift = total / s.Count;
        T variance = T.Max(T.Zero, (totalSquares - total * meanShift) / s.Count);
        T mean = shift + meanShift;
        T invStd = T.One / T.Sqrt(variance + s.Epsilon);
        batchMean[c] = mean;
        batchInvStd[c] = invStd;
        movingMean[c] = s.Momentum * movingMean[c] + (T.One - s.Momentum) * mean;
        movingVariance[c] = s.Momentum * movingVariance[c] + (T.One - s.Momentum) * variance;
        T scale = gamma[c] * invStd;
        coefficients[2 * c] = scale;
        coefficients[2 * c + 1] = beta[c] - mean * scale;
    }

    /// <summary>Inference, pass 1 (a thread per channel): the coefficients of y = x·scale + shift from the moving
    /// statistics.</summary>
    public static void InferenceCoefficients<T>(ArrayView<T> gamma, ArrayView<T> beta, ArrayView<T> movingMean, ArrayView<T> movingVariance,
        ArrayView<T> coefficients, ChannelSlices slices, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = GridStride.First; c < slices.C; c += GridStride.Step)
        {
            T scale = gamma[c] / T.Sqrt(movingVariance[c] + s.Epsilon);
            coefficients[2 * c] = scale;
            coefficients[2 * c + 1] = beta[c] - movingMean[c] * scale;
        }
    }

    /// <summary>Training and inference, last pass: y = x·scale[c] + shift[c] for every element (then max(·, 0) with a
    /// fused ReLU).</summary>
    public static void Apply<T>(ArrayView<T> x, ArrayView<T> coefficients, ArrayView<T> y, ChannelSlices slices, Scalars<T> s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = slices.N * slices.C * slices.S;
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            int c = slices.Channel(i);
            T v = x[i] * coefficients[2 * c] + coefficients[2 * c + 1];
            y[i] = s.Relu != 0 && !(v > T.Zero) ? T.Zero : v;
        }
    }

    /// <summary>Backward, pass 1: each work-group sums g and g·(x - μ) over one slice of a channel (g = dy·[y &gt; 0] when
    /// a ReLU is fused); the channel's last group to finish writes dβ = Σ g, dγ = r·Σ g·(x - μ) and the coefficients a, b,
    /// d of dx = a·g + b·(x - μ) + d (coefficients[3c..3c + 2]).</summary>
    public static void BackwardSums<T>(ArrayView<T> x, ArrayView<T> dy, ArrayView<T> reluOutput, ArrayView<T> batchMean, ArrayView<T> partials,
        ArrayView<int> counters, ArrayView<T> gamma, ArrayView<T> batchInvStd, ArrayView<T> dGamma, ArrayView<T> dBeta, ArrayView<T> coefficients,
        ChannelSlices slices, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        var flag = SharedMemory.Allocate<int>(1);
        var (c, _, first, end) = ChannelReduce.Slice(slices);
        T mean = batchMean[c];
        var sumDy = default(CompensatedSum<T>);
        var sumDyX = default(CompensatedSum<T>);
        for (int t = first + Group.IdxX; t < end; t += Group.DimX)
        {
            int at = slices.Index(t, c);
            T g = Masked(dy, reluOutput, at, s.Relu);
            sumDy.Add(g);
            sumDyX.Add(g * (x[at] - mean));
        }
        if (!ChannelReduce.StorePair(scratch, flag, partials, counters, sumDy.Value, sumDyX.Value, c, slices) || !Group.IsFirstThread) return;
        T invStd = batchInvStd[c];
        T totalDy = ChannelReduce.Total(partials, slices, c, 2, 0);
        T totalDyXhat = ChannelReduce.Total(partials, slices, c, 2, 1) * invStd;
        dBeta[c] = totalDy;
        dGamma[c] = totalDyXhat;
        T a = gamma[c] * invStd;
        coefficients[3 * c] = a;
        coefficients[3 * c + 1] = -a * invStd * totalDyXhat / s.Count;
        coefficients[3 * c + 2] = -a * totalDy / s.Count;
    }

    /// <summary>Backward, last pass: dx = a·g + b·(x - μ) + d for every element; with a fused ReLU, dy is overwritten by
    /// g = dy·[y &gt; 0] (the device contract).</summary>
    public static void BackwardApply<T>(ArrayView<T> x, ArrayView<T> dy, ArrayView<T> reluOutput, ArrayView<T> batchMean, ArrayView<T> coefficients,
        ArrayView<T> dx, ChannelSlices slices, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = slices.N * slices.C * slices.S;
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            int c = slices.Channel(i);
            T g = Masked(dy, reluOutput, i, s.Relu);
            if (s.Relu != 0) dy[i] = g;
            dx[i] = g * coefficients[3 * c] + (x[i] - batchMean[c]) * coefficients[3 * c + 1] + coefficients[3 * c + 2];
        }
    }

    private static T Masked<T>(ArrayView<T> dy, ArrayView<T> reluOutput, int at, int relu) where T : unmanaged, IFloatingPointIeee754<T> =>
        relu != 0 && !(reluOutput[at] > T.Zero) ? T.Zero : dy[at];

    /// <summary>The batch-normalisation kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
            ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>> Statistics { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>>
            InferenceCoefficients { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>> Apply { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>,
            ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>> BackwardSums { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices,
            Scalars<T>> BackwardApply { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Statistics = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>,
                ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>>(BatchNormGpu.Statistics),
            InferenceCoefficients = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices,
                Scalars<T>>(BatchNormGpu.InferenceCoefficients),
            Apply = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>>(BatchNormGpu.Apply),
            BackwardSums = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>,
                ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices, Scalars<T>>(BatchNormGpu.BackwardSums),
            BackwardApply = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ChannelSlices,
                Scalars<T>>(BatchNormGpu.BackwardApply),
        };
    }
}
