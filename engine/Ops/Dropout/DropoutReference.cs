using System.Numerics;
using NativeCnn.Engine.Random;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014; Keras <c>layers.Dropout</c>) with a counter-based mask:
/// <code>
/// u_i      = Philox.Uniform(seed, step, layerId, i)            (Philox4x32-10, see <see cref="Philox"/>)
/// mask_i   = 0 if u_i &lt; rate (compared in float32), else keep = 1/(1 - rate) (computed in double, rounded once to T)
/// forward:   y_i = x_i · mask_i
/// backward:  dx_i = dy_i · mask_i
/// </code>
/// The draw for element i is a pure function of (seed, step, layer, i), so every device produces the same mask bit
/// for bit, whatever its thread count or schedule, and cross-device tests compare masks exactly.
/// </summary>
internal static class DropoutReference
{
    /// <summary>Writes the mask and y = x ⊙ mask.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<T> mask, double rate, ulong seed, ulong step, uint layerId)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateChecked(1.0 / (1.0 - rate));
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = Philox.Uniform(seed, (uint)step, layerId, i) < (float)rate ? T.Zero : keep;
            y[i] = x[i] * mask[i];
        }
    }

    /// <summary>dx = dy ⊙ mask; dy and dx may be the same memory.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> mask, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < dy.Length; i++) dx[i] = dy[i] * mask[i];
    }
}
