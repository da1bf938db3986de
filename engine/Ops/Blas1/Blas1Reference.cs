using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The two level-1 BLAS operations of an L2 weight penalty λ·Σ w² (Keras <c>regularizers.L2</c>):
/// <code>
/// axpy:            y_i = fma(α, x_i, y_i)      (one rounding per element; α rounded to the element type first)
/// sum of squares:  s = Σ_i x_i²
/// </code>
/// The penalty's gradient term is dW += 2λ·W (axpy with α = 2λ) and the reported penalty is λ·s. Every device rounds
/// axpy once per element, so all agree bit for bit; the sum's rounding depends on each device's summation order.
/// </summary>
internal static class Blas1Reference
{
    /// <summary>y = fma(α, x, y) element-wise.</summary>
    public static void AddScaled<T>(Span<T> y, ReadOnlySpan<T> x, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = T.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>Σ x_i², each square and the running sum in double.</summary>
    public static double SumOfSquares<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        foreach (T v in x) sum += double.CreateChecked(v) * double.CreateChecked(v);
        return sum;
    }
}
