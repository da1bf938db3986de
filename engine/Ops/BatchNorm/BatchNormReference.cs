using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Batch normalisation (Ioffe and Szegedy 2015, Algorithm 1; Keras <c>layers.BatchNormalization</c>) over x viewed as
/// [N, C, S] (S = H·W for images, 1 for features). Channel c normalises its M = N·S values x[n, c, s]:
/// <code>
/// training:   μ = (1/M) Σ x                          batch mean
///             σ² = (1/M) Σ (x - μ)²                  biased batch variance (two passes: no E[x²] - μ² cancellation)
///             r = 1/√(σ² + ε)                        "inverse standard deviation", kept for the backward pass
///             x̂ = (x - μ)·r                          normalised input
///             y = γ·x̂ + β
///             moving_mean ← momentum·moving_mean + (1 - momentum)·μ
///             moving_variance ← momentum·moving_variance + (1 - momentum)·σ²
/// inference:  y = γ·(x - moving_mean)/√(moving_variance + ε) + β
/// backward:   dβ = Σ dy
///             dγ = Σ dy·x̂
///             dx = (γ·r/M)·(M·dy - dβ - x̂·dγ)
/// </code>
/// Sums run over the channel's M values. The backward form is Caffe's batch_norm_layer.cpp (and llm.c's
/// layernorm_backward): the gradient through μ and σ² collapses into the two channel sums dβ and dγ. Keras defaults:
/// momentum 0.99, ε = 1e-3.
/// </summary>
/// <remarks>The CPU and GPU kernels compute dx in the expanded form dx = a·dy + b·(x - μ) + d with
/// a = γ·r, b = -a·r·dγ/M, d = -a·dβ/M: the same expression, two multiply-adds per element.</remarks>
internal static class BatchNormReference
{
    /// <summary>Training mode: writes y, batchMean = μ and batchInvStd = r, and updates the moving averages.</summary>
    public static void Training<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> movingMean, Span<T> movingVariance,
        T momentum, T epsilon, Span<T> y, Span<T> batchMean, Span<T> batchInvStd, int n, int c, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked((long)n * s);
        for (int ch = 0; ch < c; ch++)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
            T mean = sum / m;
            T squares = T.Zero;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) { T d = x[(i * c + ch) * s + j] - mean; squares += d * d; }
            T variance = squares / m;
            T invStd = T.One / T.Sqrt(variance + epsilon);
            batchMean[ch] = mean;
            batchInvStd[ch] = invStd;
            movingMean[ch] = momentum * movingMean[ch] + (T.One - momentum) * mean;
            movingVariance[ch] = momentum * movingVariance[ch] + (T.One - momentum) * variance;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    y[at] = gamma[ch] * (x[at] - mean) * invStd + beta[ch];
                }
        }
    }

    /// <summary>Inference mode with the moving averages.</summary>
    public static void Inference<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> movingMean,
        ReadOnlySpan<T> movingVariance, T epsilon, Span<T> y, int n, int c, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    y[at] = gamma[ch] * (x[at] - movingMean[ch]) / T.Sqrt(movingVariance[ch] + epsilon) + beta[ch];
                }
    }

    /// <summary>dx, dγ and dβ from dy and the batch statistics <see cref="Training{T}"/> wrote.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, ReadOnlySpan<T> gamma, ReadOnlySpan<T> batchMean, ReadOnlySpan<T> batchInvStd,
        Span<T> dx, Span<T> dGamma, Span<T> dBeta, int n, int c, int s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T m = T.CreateChecked((long)n * s);
        for (int ch = 0; ch < c; ch++)
        {
            T mean = batchMean[ch], invStd = batchInvStd[ch];
            T sumDy = T.Zero, sumDyXhat = T.Zero;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    sumDy += dy[at];
                    sumDyXhat += dy[at] * (x[at] - mean) * invStd;
                }
            dBeta[ch] = sumDy;
            dGamma[ch] = sumDyXhat;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < s; j++)
                {
                    int at = (i * c + ch) * s + j;
                    T xhat = (x[at] - mean) * invStd;
                    dx[at] = gamma[ch] * invStd / m * (m * dy[at] - sumDy - xhat * sumDyXhat);
                }
        }
    }
}
