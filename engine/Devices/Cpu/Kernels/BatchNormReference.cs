using System.Numerics;

namespace NativeCnn.Engine.Devices.Cpu.Kernels;

/// <summary>Scalar batch normalisation straight from Ioffe and Szegedy (2015), Algorithm 1 and its gradient; the oracle for <see cref="BatchNorm"/>.</summary>
internal static class BatchNormReference
{
    public static void Training<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, Span<T> y,
        Span<T> mean, Span<T> variance, int n, int c, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked(n * s);
        for (int ch = 0; ch < c; ch++)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
            mean[ch] = sum / m;
            T sq = T.Zero;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) { T d = x[(i * c + ch) * s + j] - mean[ch]; sq += d * d; }
            variance[ch] = sq / m;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int idx = (i * c + ch) * s + j;
                    y[idx] = gamma[ch] * (x[idx] - mean[ch]) / T.Sqrt(variance[ch] + epsilon) + beta[ch];
                }
        }
    }

    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, ReadOnlySpan<T> gamma, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T epsilon,
        Span<T> dx, Span<T> dGamma, Span<T> dBeta, int n, int c, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked(n * s);
        for (int ch = 0; ch < c; ch++)
        {
            T invStd = T.One / T.Sqrt(variance[ch] + epsilon);
            T sumDy = T.Zero, sumDyXhat = T.Zero;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int idx = (i * c + ch) * s + j;
                    sumDy += dy[idx];
                    sumDyXhat += dy[idx] * (x[idx] - mean[ch]) * invStd;
                }
            dBeta[ch] = sumDy;
            dGamma[ch] = sumDyXhat;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int idx = (i * c + ch) * s + j;
                    T xhat = (x[idx] - mean[ch]) * invStd;
                    dx[idx] = gamma[ch] * invStd / m * (m * dy[idx] - sumDy - xhat * sumDyXhat);
                }
        }
    }
}
