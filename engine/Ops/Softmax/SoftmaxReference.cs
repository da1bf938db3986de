using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Row-wise softmax over x [N, K] (Keras <c>activations.softmax</c> on the last axis) and its gradient:
/// <code>
/// forward:   y_k = exp(x_k - m) / Σ_j exp(x_j - m),   m = max_j x_j
/// backward:  dx_k = y_k (dy_k - Σ_j dy_j y_j)
/// </code>
/// Subtracting the row maximum m changes nothing mathematically and keeps exp from overflowing (log-sum-exp trick).
/// The backward pass is the Jacobian-vector product of ∂y_k/∂x_j = y_k ([k = j] - y_j), written with the output y.
/// </summary>
/// <remarks>K is the class count (4 to 8 here): rows far too short to vectorise, so the CPU device runs this
/// reference too.</remarks>
internal static class SoftmaxReference
{
    /// <summary>y = softmax of each row of x [n, k].</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> xr = x.Slice(i * k, k);
            Span<T> yr = y.Slice(i * k, k);
            T max = xr[0];
            for (int j = 1; j < k; j++) max = T.Max(max, xr[j]);
            T sum = T.Zero;
            for (int j = 0; j < k; j++) { yr[j] = T.Exp(xr[j] - max); sum += yr[j]; }
            T inv = T.One / sum;
            for (int j = 0; j < k; j++) yr[j] *= inv;
        }
    }

    /// <summary>dx = y ⊙ (dy - Σ dy ⊙ y) per row of [n, k].</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            int row = i * k;
            T dot = T.Zero;
            for (int j = 0; j < k; j++) dot += dy[row + j] * y[row + j];
            for (int j = 0; j < k; j++) dx[row + j] = y[row + j] * (dy[row + j] - dot);
        }
    }
}
