using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The bias of a fully connected layer (Keras <c>layers.Dense</c>) over y [N, F] and b [F]:
/// <code>
/// forward:   y[n, j] += b[j]
/// backward:  db[j] = Σ_n dy[n, j]
/// </code>
/// </summary>
internal static class BiasReference
{
    /// <summary>y[n, j] += bias[j] for y [n, f].</summary>
    public static void AddRowBias<T>(Span<T> y, ReadOnlySpan<T> bias, int n, int f) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) y[i * f + j] += bias[j];
    }

    /// <summary>sums[j] = Σ_n x[n, j] for x [n, f], summed in row order.</summary>
    public static void SumRows<T>(ReadOnlySpan<T> x, Span<T> sums, int n, int f) where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums[..f].Clear();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) sums[j] += x[i * f + j];
    }
}
