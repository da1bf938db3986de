using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The parameter updates of Keras' optimizers, element by element, for parameters p, gradients g and per-parameter
/// state, all in the element type T (hyper-parameters rounded to T first):
/// <code>
/// SGD (Keras optimizers.SGD):
///   plain (μ = 0):   p ← p - lr·g
///   momentum μ:      v ← μ·v - lr·g;  p ← p + v
///   Nesterov:        v ← μ·v - lr·g;  p ← p + μ·v - lr·g
/// Adam (Kingma and Ba 2015; Keras optimizers.Adam), step t = 1, 2, ...:
///   m ← β1·m + (1 - β1)·g
///   v ← β2·v + (1 - β2)·g²
///   p ← p - α·m / (√v + ε),   α = lr·√(1 - β2^t) / (1 - β1^t)
/// </code>
/// Adam's bias corrections are folded into the step size α, as Keras does, so ε is added to √v, not to √v̂.
/// </summary>
internal static class OptimizerReference
{
    /// <summary>One SGD step; <paramref name="velocity"/> is empty when μ = 0.</summary>
    public static void Sgd<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> velocity, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < p.Length; i++)
        {
            T step = learningRate * g[i];
            if (velocity.IsEmpty)
            {
                p[i] -= step;
                continue;
            }
            velocity[i] = momentum * velocity[i] - step;
            p[i] += nesterov ? momentum * velocity[i] - step : velocity[i];
        }
    }

    /// <summary>α = lr·√(1 - β2^t) / (1 - β1^t), Adam's step size with both bias corrections, in T.</summary>
    public static T AdamStepSize<T>(T learningRate, T beta1, T beta2, long t) where T : unmanaged, IFloatingPointIeee754<T> =>
        learningRate * T.Sqrt(T.One - T.Pow(beta2, T.CreateChecked(t))) / (T.One - T.Pow(beta1, T.CreateChecked(t)));

    /// <summary>One Adam step t (1-based).</summary>
    public static void Adam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, T learningRate, T beta1, T beta2, T epsilon, long t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T alpha = AdamStepSize(learningRate, beta1, beta2, t);
        for (int i = 0; i < p.Length; i++)
        {
            m[i] = beta1 * m[i] + (T.One - beta1) * g[i];
            v[i] = beta2 * v[i] + (T.One - beta2) * g[i] * g[i];
            p[i] -= alpha * m[i] / (T.Sqrt(v[i]) + epsilon);
        }
    }
}
