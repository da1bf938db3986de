using System.Numerics;
using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// 2-D max pooling with 'valid' windows (Keras <c>layers.MaxPooling2D</c>) over each [H, W] plane of x [N, C, H, W]:
/// <code>
/// forward:   y[n, c, i, j] = max over p &lt; PH, q &lt; PW of x[n, c, i·sh + p, j·sw + q]
///            argmax[n, c, i, j] = the flat index (i·sh + p)·W + (j·sw + q) of that maximum, the first in row-major
///            window order on ties (strictly greater wins, as in TensorFlow)
/// backward:  dx[n, c, h, w] = Σ over the windows (i, j) whose argmax is h·W + w of dy[n, c, i, j]
/// </code>
/// Overlapping windows (stride &lt; pool) can pick the same pixel, hence the sum.
/// </summary>
internal static class MaxPoolReference
{
    /// <summary>Pooled values and their arg-max positions.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, in Pool2DGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planeIn = g.InHeight * g.InWidth, planeOut = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < g.Batch * g.Channels; plane++)
            for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int best = -1;
                    for (int p = 0; p < g.PoolHeight; p++)
                        for (int q = 0; q < g.PoolWidth; q++)
                        {
                            int at = (i * g.StrideHeight + p) * g.InWidth + j * g.StrideWidth + q;
                            if (best < 0 || x[plane * planeIn + at] > x[plane * planeIn + best]) best = at;
                        }
                    y[plane * planeOut + i * g.OutWidth + j] = x[plane * planeIn + best];
                    argmax[plane * planeOut + i * g.OutWidth + j] = best;
                }
    }

    /// <summary>dx = 0, then dy added at each window's arg-max.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, in Pool2DGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planeIn = g.InHeight * g.InWidth, planeOut = g.OutHeight * g.OutWidth;
        dx.Clear();
        for (int o = 0; o < dy.Length; o++) dx[o / planeOut * planeIn + argmax[o]] += dy[o];
    }
}
