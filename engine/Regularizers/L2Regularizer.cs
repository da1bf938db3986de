using System.Globalization;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Regularizers;

/// <summary>
/// Keras <c>regularizers.L2(l2)</c> as a layer's <c>kernel_regularizer</c>: adds the penalty
/// λ·Σ w² to the loss, so the weights' gradient gains 2λ·w. A factor of 0 is a regularizer that
/// does nothing (no device work at all), which a layer can use to opt out of the trainer's
/// <c>--l2</c> default. Source: keras.io/api/layers/regularizers (L2: loss = l2 * reduce_sum(square(x))).
/// </summary>
public sealed class L2Regularizer
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l2">The factor λ (Keras' <c>l2</c> argument), finite and ≥ 0.</param>
    /// <exception cref="ArgumentException">λ is negative, NaN or infinite.</exception>
    public L2Regularizer(double l2)
    {
        if (!(l2 >= 0) || double.IsInfinity(l2))
            throw new ArgumentException($"the l2 factor must be a finite number >= 0, got {l2.ToString(CultureInfo.InvariantCulture)}");
        L2 = l2;
    }

    /// <summary>The factor λ in λ·Σ w²: per-weight units of loss (nats) per squared weight.</summary>
    public double L2 { get; }

    /// <summary>True when λ = 0: the penalty and its gradient are zero and nothing is computed.</summary>
    public bool IsZero => L2 == 0;

    /// <summary>The penalty λ·Σ w² for <paramref name="weights"/>, nats (one reduction on the weights' device).</summary>
    public double Penalty(Tensor weights) => IsZero ? 0 : L2 * weights.Device.SumOfSquares(weights);

    /// <summary>Adds the penalty's gradient to <paramref name="gradient"/>: dW += 2λ·W, on the weights' device.</summary>
    /// <exception cref="ArgumentException">The tensors differ in length or dtype.</exception>
    public void AddGradient(Tensor weights, Tensor gradient)
    {
        if (!IsZero) weights.Device.AddScaled(gradient, weights, 2 * L2);
    }

    /// <summary>The architecture-file form, <c>{"l2": λ}</c> (Keras' <c>L2.get_config()</c>).</summary>
    public IReadOnlyDictionary<string, double> Config => new Dictionary<string, double> { ["l2"] = L2 };

    /// <summary>Keras' config form, e.g. <c>l2(0.0001)</c>.</summary>
    public override string ToString() => $"l2({L2.ToString("G", CultureInfo.InvariantCulture)})";
}
