using NativeCnn.Engine.Devices.Cpu;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Batch normalisation over x viewed as [N, C, S]: per channel c the M = N*S values
/// x[n, c, s]. Channels are independent, so cores split the channels; within a channel each
/// (n, c) row of S contiguous values is processed with Vector512 (the runtime emulates it
/// with narrower vectors where the CPU lacks AVX-512, so the result is the same).
/// Equations: <see cref="BatchNormReference"/>.
/// </summary>
internal static unsafe class BatchNormCpu
{
    public static void Training<T>(T* x, T* gamma, T* beta, T* movingMean, T* movingVariance, T momentum, T epsilon,
        T* y, T* batchMean, T* batchInvStd, int n, int c, int s, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked((long)n * s);
        CpuParallel.For(c, 1, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                // Two passes (mean, then squared deviations) instead of E[x²] - E[x]²,
                // which cancels catastrophically in float32 when |mean| >> std.
                T sum = T.Zero;
                for (int i = 0; i < n; i++) sum += VectorLoop.Sum(Row(x, i, ch, c, s), s);
                T mean = sum / count;
                T squares = T.Zero;
                for (int i = 0; i < n; i++) squares += SquaredDeviation(Row(x, i, ch, c, s), s, mean);
                T variance = squares / count;
                T invStd = T.One / T.Sqrt(variance + epsilon);
                batchMean[ch] = mean;
                batchInvStd[ch] = invStd;
                movingMean[ch] = momentum * movingMean[ch] + (T.One - momentum) * mean;
                movingVariance[ch] = momentum * movingVariance[ch] + (T.One - momentum) * variance;
                T scale = gamma[ch] * invStd, shift = beta[ch] - mean * scale;
                for (int i = 0; i < n; i++) ScaleShift(Row(x, i, ch, c, s), Row(y, i, ch, c, s), s, scale, shift, relu);
            }
        });
    }

    public static void Inference<T>(T* x, T* gamma, T* beta, T* movingMean, T* movingVariance, T epsilon,
        T* y, int n, int c, int s, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(c, 1, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                T scale = gamma[ch] / T.Sqrt(movingVariance[ch] + epsilon), shift = beta[ch] - movingMean[ch] * scale;
                for (int i = 0; i < n; i++) ScaleShift(Row(x, i, ch, c, s), Row(y, i, ch, c, s), s, scale, shift, relu);
            }
        });
    }

    /// <summary>Gradients of <see cref="Training{T}"/>; with <paramref name="reluOutput"/> (the fused ReLU's output),
    /// each row of dy is first masked by [y &gt; 0] in place, while it is in L1 for the sums that follow.</summary>
    public static void Backward<T>(T* x, T* dy, T* gamma, T* batchMean, T* batchInvStd, T* dx, T* dGamma, T* dBeta,
        int n, int c, int s, T* reluOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T count = T.CreateChecked((long)n * s);
        CpuParallel.For(c, 1, (c0, c1) =>
        {
            for (int ch = c0; ch < c1; ch++)
            {
                T mean = batchMean[ch], invStd = batchInvStd[ch];
                T sumDy = T.Zero, sumDyXhat = T.Zero;
                for (int i = 0; i < n; i++)
                {
                    if (reluOutput != null) VectorLoop.MapRange<T, ReluGradientOp<T>>(Row(reluOutput, i, ch, c, s), Row(dy, i, ch, c, s), Row(dy, i, ch, c, s), s);
                    sumDy += VectorLoop.Sum(Row(dy, i, ch, c, s), s);
                    sumDyXhat += DotCentered(Row(dy, i, ch, c, s), Row(x, i, ch, c, s), s, mean);
                }
                sumDyXhat *= invStd;
                dBeta[ch] = sumDy;
                dGamma[ch] = sumDyXhat;
                // dx = γr/M (M dy - dβ - x̂ dγ) = a dy + b (x - μ) + d, with the constants below.
                T a = gamma[ch] * invStd;
                T b = -a * invStd * sumDyXhat / count;
                T d = -a * sumDy / count;
                for (int i = 0; i < n; i++)
                    Combine(Row(dy, i, ch, c, s), Row(x, i, ch, c, s), Row(dx, i, ch, c, s), s, a, b, mean, d);
            }
        });
    }

    private static T* Row<T>(T* p, int i, int ch, int c, int s) where T : unmanaged => p + ((long)i * c + ch) * s;

    private static T SquaredDeviation<T>(T* x, int s, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        var acc = Vector512<T>.Zero;
        var m = Vector512.Create(mean);
        for (; j <= s - Vector512<T>.Count; j += Vector512<T>.Count)
        {
            var d = Vector512.Load(x + j) - m;
            acc = VectorMath.Fma(d, d, acc);
        }
        T total = Vector512.Sum(acc);
        for (; j < s; j++) total += (x[j] - mean) * (x[j] - mean);
        return total;
    }

    private static T DotCentered<T>(T* dy, T* x, int s, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        var acc = Vector512<T>.Zero;
        var m = Vector512.Create(mean);
        for (; j <= s - Vector512<T>.Count; j += Vector512<T>.Count)
            acc = VectorMath.Fma(Vector512.Load(dy + j), Vector512.Load(x + j) - m, acc);
        T total = Vector512.Sum(acc);
        for (; j < s; j++) total += dy[j] * (x[j] - mean);
        return total;
    }

    /// <summary>y = x · scale + shift, then max(y, 0) when <paramref name="relu"/> (−∞ as the floor otherwise, so one loop
    /// serves both).</summary>
    private static void ScaleShift<T>(T* x, T* y, int s, T scale, T shift, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        T floor = relu ? T.Zero : T.NegativeInfinity;
        var vs = Vector512.Create(scale);
        var vb = Vector512.Create(shift);
        var vf = Vector512.Create(floor);
        for (; j <= s - Vector512<T>.Count; j += Vector512<T>.Count)
            Vector512.Store(Vector512.Max(VectorMath.Fma(Vector512.Load(x + j), vs, vb), vf), y + j);
        for (; j < s; j++) y[j] = T.Max(x[j] * scale + shift, floor);
    }

    private static void Combine<T>(T* dy, T* x, T* dx, int s, T a, T b, T mean, T d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        var va = Vector512.Create(a); var vb = Vector512.Create(b);
        var vm = Vector512.Create(mean); var vd = Vector512.Create(d);
        for (; j <= s - Vector512<T>.Count; j += Vector512<T>.Count)
            Vector512.Store(VectorMath.Fma(Vector512.Load(dy + j), va,
                VectorMath.Fma(Vector512.Load(x + j) - vm, vb, vd)), dx + j);
        for (; j < s; j++) dx[j] = dy[j] * a + (x[j] - mean) * b + d;
    }
}
