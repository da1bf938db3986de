using System.Numerics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Softmax cross-entropy from logits z [N, K] and integer labels y [N], fused and computed with log-sum-exp, optionally
/// weighted per class (Keras <c>CategoricalCrossentropy(from_logits=True)</c> on one-hot labels, and
/// <c>fit(class_weight=...)</c> with the default "sum_over_batch_size" reduction):
/// <code>
/// per sample:  ℓ_n = w_n (logsumexp(z_n) - z_n[y_n]),   logsumexp(z) = m + log Σ_k exp(z_k - m),  m = max_k z_k
/// loss:        L = (1/N) Σ_n ℓ_n
/// gradient:    ∂L/∂z_nk = w_n (softmax(z_n)_k - [k = y_n]) / N,   softmax(z_n)_k = exp(z_nk - logsumexp(z_n))
/// correct:     #{n : argmax_k z_nk = y_n}   (the first maximum on ties)
/// </code>
/// with w_n = classWeight[y_n], or 1 without class weights (multiplying by an exact 1 changes no bit, so unweighted
/// results are those of the plain loss). Source: keras.io/api/losses/probabilistic_losses and
/// keras.io/api/models/model_training_apis (fit, class_weight).
/// </summary>
/// <remarks>K is the class count (4 to 8 here): rows far too short to vectorise, so the CPU device runs this
/// reference too. The loss terms are summed in double.</remarks>
internal static class CrossEntropyReference
{
    /// <summary>Returns Σ_n ℓ_n and the correct count; writes ∂L/∂z into <paramref name="dLogits"/> unless it is empty.
    /// An empty <paramref name="classWeight"/> means no class weights.</summary>
    /// <exception cref="ArgumentException">A label is outside [0, K).</exception>
    public static (double LossSum, int Correct) Compute<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, Span<T> dLogits,
        ReadOnlySpan<T> classWeight, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lossSum = 0;
        int correct = 0;
        T invN = T.One / T.CreateChecked(Math.Max(n, 1));
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> z = logits.Slice(i * k, k);
            int label = labels[i];
            if ((uint)label >= (uint)k)
                throw new ArgumentException($"label {label} of sample {i} is outside [0, {k})");
            int best = 0;
            T max = z[0];
            for (int j = 1; j < k; j++) if (z[j] > max) { max = z[j]; best = j; }
            if (best == label) correct++;
            T sumExp = T.Zero;
            for (int j = 0; j < k; j++) sumExp += T.Exp(z[j] - max);
            T logSumExp = max + T.Log(sumExp);
            T weight = classWeight.IsEmpty ? T.One : classWeight[label];
            lossSum += double.CreateChecked(weight * (logSumExp - z[label]));
            if (dLogits.IsEmpty) continue;
            Span<T> d = dLogits.Slice(i * k, k);
            T scale = weight * invN;
            for (int j = 0; j < k; j++) d[j] = T.Exp(z[j] - logSumExp) * scale;
            d[label] -= scale;
        }
        return (lossSum, correct);
    }
}
