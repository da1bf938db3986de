using System.Numerics;

namespace NativeCnn.Engine.Devices.Cpu.Kernels;

/// <summary>Row-wise softmax and the fused softmax cross-entropy over logits [N, K].</summary>
/// <remarks>K is the class count (4 to 8 here), so rows are far too short to vectorise;
/// the max is subtracted before exp so no logit can overflow (log-sum-exp trick).</remarks>
internal static unsafe class Softmax
{
    public static void Forward<T>(T* x, T* y, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++) Row(x + (long)i * k, y + (long)i * k, k);
    }

    public static void Backward<T>(T* y, T* dy, T* dx, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < n; i++)
        {
            T* yr = y + (long)i * k, dyr = dy + (long)i * k, dxr = dx + (long)i * k;
            T dot = T.Zero;
            for (int j = 0; j < k; j++) dot += dyr[j] * yr[j];
            for (int j = 0; j < k; j++) dxr[j] = yr[j] * (dyr[j] - dot);
        }
    }

    /// <summary>
    /// Returns Σ_n w_n loss_n and the number of arg-max hits; writes w_n (p - onehot)/N into dLogits
    /// when not null. w_n = classWeight[label_n], or 1 when classWeight is null: multiplying by an
    /// exact 1 changes no bit, so the unweighted results are what they were before class weights.
    /// </summary>
    public static (double LossSum, int Correct) CrossEntropy<T>(T* logits, int* labels, T* dLogits, T* classWeight, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lossSum = 0;
        int correct = 0;
        T invN = T.One / T.CreateChecked(Math.Max(n, 1));
        for (int i = 0; i < n; i++)
        {
            T* z = logits + (long)i * k;
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
            T weight = classWeight == null ? T.One : classWeight[label];
            lossSum += double.CreateChecked(weight * (logSumExp - z[label]));
            if (dLogits == null) continue;
            T* d = dLogits + (long)i * k;
            T scale = weight * invN;
            for (int j = 0; j < k; j++) d[j] = T.Exp(z[j] - logSumExp) * scale;
            d[label] -= scale;
        }
        return (lossSum, correct);
    }

    private static void Row<T>(T* x, T* y, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = x[0];
        for (int j = 1; j < k; j++) max = T.Max(max, x[j]);
        T sum = T.Zero;
        for (int j = 0; j < k; j++) { y[j] = T.Exp(x[j] - max); sum += y[j]; }
        T inv = T.One / sum;
        for (int j = 0; j < k; j++) y[j] *= inv;
    }
}
