using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Losses;

/// <summary>
/// Categorical cross-entropy of softmax(logits), fused and computed from logits [N, K] with
/// log-sum-exp: L = (1/N) Σ_n [logsumexp(z_n) - z_n[y_n]], ∂L/∂z = (softmax(z) - onehot(y))/N.
/// Keras equivalent: CategoricalCrossentropy(from_logits=True) on one-hot labels.
/// With class weights w (Keras <c>fit(class_weight=...)</c>) each sample's term is multiplied by
/// w[y_n] and the sum is still divided by N: L = (1/N) Σ_n w[y_n] (logsumexp(z_n) - z_n[y_n]),
/// ∂L/∂z_n = w[y_n] (softmax(z_n) - onehot(y_n))/N (equation: <see cref="Device.SoftmaxCrossEntropy"/>).
/// Owns the gradient tensor and the device copy of the class weights, reused across steps.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : IDisposable
{
    private readonly double[]? _classWeight;
    private Tensor? _gradient, _classWeightTensor;

    /// <summary>Creates the loss, unweighted when <paramref name="classWeight"/> is null.</summary>
    /// <param name="classWeight">One weight per class id (Keras class_weight as a list), each finite and ≥ 0; copied.
    /// Its length must equal the logits' K at <see cref="Compute"/>.</param>
    /// <exception cref="ArgumentException">A weight is negative, NaN or infinite, or the list is empty.</exception>
    public SoftmaxCrossEntropyLoss(IReadOnlyList<double>? classWeight = null)
    {
        if (classWeight == null) return;
        if (classWeight.Count == 0) throw new ArgumentException("class weights: expected one weight per class, got none");
        for (int c = 0; c < classWeight.Count; c++)
            if (!(classWeight[c] >= 0) || double.IsInfinity(classWeight[c]))
                throw new ArgumentException($"class weight {c} is {classWeight[c]}; weights must be finite and >= 0");
        _classWeight = [.. classWeight];
    }

    /// <summary>The class weights this loss applies, or null when unweighted.</summary>
    public IReadOnlyList<double>? ClassWeight => _classWeight;

    /// <summary>Loss and correct count for Int32 labels [N]; the gradient is in <see cref="Gradient"/> afterwards when <paramref name="computeGradient"/>.</summary>
    /// <exception cref="ArgumentException">A label is outside [0, K), shapes disagree, or there are class weights for another number of classes.</exception>
    public LossResult Compute(Tensor logits, Tensor labels, bool computeGradient)
    {
        if (logits.Rank != 2) throw new ArgumentException($"logits must be [N, K], got {logits.ShapeString()}");
        if (computeGradient && (_gradient == null || !_gradient.HasShape(logits.Shape) || _gradient.DType != logits.DType))
        {
            _gradient?.Dispose();
            _gradient = logits.Device.Allocate(logits.DType, logits.ShapeArray());
        }
        return logits.Device.SoftmaxCrossEntropy(logits, labels, computeGradient ? _gradient : null, ClassWeightOn(logits));
    }

    /// <summary>The class weights as a [K] tensor on the logits' device and dtype, uploaded once and kept.</summary>
    private Tensor? ClassWeightOn(Tensor logits)
    {
        if (_classWeight == null) return null;
        int k = logits.Dim(1);
        if (_classWeight.Length != k)
            throw new ArgumentException($"there are {_classWeight.Length} class weights but the logits have {k} classes");
        if (_classWeightTensor != null && _classWeightTensor.Device == logits.Device && _classWeightTensor.DType == logits.DType)
            return _classWeightTensor;
        _classWeightTensor?.Dispose();
        _classWeightTensor = logits.Device.Allocate(logits.DType, k);
        if (logits.DType == DType.Float64) logits.Device.Upload<double>(_classWeightTensor, _classWeight);
        else logits.Device.Upload<float>(_classWeightTensor, Array.ConvertAll(_classWeight, w => (float)w));
        return _classWeightTensor;
    }

    /// <summary>∂L/∂logits [N, K] of the last <see cref="Compute"/> with a gradient.</summary>
    /// <exception cref="InvalidOperationException">No gradient has been computed yet.</exception>
    public Tensor Gradient => _gradient ?? throw new InvalidOperationException("no loss gradient computed yet");

    /// <summary>Frees the gradient and class-weight tensors.</summary>
    public void Dispose()
    {
        _gradient?.Dispose();
        _classWeightTensor?.Dispose();
    }
}
