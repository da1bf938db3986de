using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The rectified linear unit, element-wise (Nair and Hinton 2010; Keras <c>activations.relu</c>):
/// <code>
/// forward:   y = max(x, 0)
/// backward:  dx = dy · [y &gt; 0]
/// </code>
/// The backward pass reads the output y rather than the input x (the two agree on the sign), so an in-place ReLU,
/// whose input has been overwritten, still has what it needs. At x = 0 the gradient is taken as 0, as TensorFlow does.
/// </summary>
internal static class ReluReference
{
    /// <summary>y = max(x, 0); x and y may be the same memory.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : T.Zero;
    }

    /// <summary>dx = dy · [y &gt; 0]; dy and dx may be the same memory.</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++) dx[i] = y[i] > T.Zero ? dy[i] : T.Zero;
    }
}
