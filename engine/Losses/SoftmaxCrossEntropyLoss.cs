using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Losses;

/// <summary>
/// Categorical cross-entropy of softmax(logits), fused and computed from logits [N, K] with
/// log-sum-exp: L = (1/N) Σ_n [logsumexp(z_n) - z_n[y_n]], ∂L/∂z = (softmax(z) - onehot(y))/N.
/// Keras equivalent: CategoricalCrossentropy(from_logits=True) on one-hot labels.
/// Owns the gradient tensor, reused across steps.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : IDisposable
{
    private Tensor? _gradient;

    /// <summary>Loss and correct count for Int32 labels [N]; the gradient is in <see cref="Gradient"/> afterwards when <paramref name="computeGradient"/>.</summary>
    /// <exception cref="ArgumentException">A label is outside [0, K) or shapes disagree.</exception>
    public LossResult Compute(Tensor logits, Tensor labels, bool computeGradient)
    {
        if (logits.Rank != 2) throw new ArgumentException($"logits must be [N, K], got {logits.ShapeString()}");
        if (computeGradient && (_gradient == null || !_gradient.HasShape(logits.Shape) || _gradient.DType != logits.DType))
        {
            _gradient?.Dispose();
            _gradient = logits.Device.Allocate(logits.DType, logits.ShapeArray());
        }
        return logits.Device.SoftmaxCrossEntropy(logits, labels, computeGradient ? _gradient : null);
    }

    /// <summary>∂L/∂logits [N, K] of the last <see cref="Compute"/> with a gradient.</summary>
    /// <exception cref="InvalidOperationException">No gradient has been computed yet.</exception>
    public Tensor Gradient => _gradient ?? throw new InvalidOperationException("no loss gradient computed yet");

    /// <summary>Frees the gradient tensor.</summary>
    public void Dispose() => _gradient?.Dispose();
}
