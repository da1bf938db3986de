using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

/// <summary>Mean loss and number of correct arg-max predictions of one batch.</summary>
/// <param name="MeanLoss">Categorical cross-entropy summed over the batch and divided by the batch size N, nats;
/// each sample's term multiplied by its class weight when class weights were given.</param>
/// <param name="Correct">Samples whose arg-max logit equals the label.</param>
public readonly record struct LossResult(double MeanLoss, int Correct);

/// <summary>
/// A compute backend: the only place where kernels live. Layers describe the math and call
/// these operations on tensors the device owns; a backend never knows about layers.
/// </summary>
/// <remarks>
/// Conventions shared by every operation: tensors are contiguous, row-major, NCHW; all
/// floating tensors of one call share one dtype (Float32, or Float64 for gradient checks);
/// outputs are overwritten, never accumulated into, unless the summary says otherwise.
/// Shapes are checked by the layers; backends check only what they cannot survive.
/// </remarks>
public abstract class Device : IDisposable
{
    /// <summary>Human-readable name, e.g. "cpu (2 cores, AVX-512)".</summary>
    public abstract string Name { get; }

    /// <summary>Allocates an uninitialised tensor.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public Tensor Allocate(DType dtype, params int[] shape)
    {
        long length = Tensor.CheckedLength(shape);
        return new Tensor(this, dtype, (int[])shape.Clone(), AllocateBuffer(Math.Max(1, length) * dtype.SizeInBytes()));
    }

    /// <summary>Allocates a tensor filled with zeros.</summary>
    public Tensor Zeros(DType dtype, params int[] shape)
    {
        var t = Allocate(dtype, shape);
        Fill(t, 0);
        return t;
    }

    /// <summary>A tensor of another shape with the same element count that shares <paramref name="source"/>'s memory.</summary>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public Tensor View(Tensor source, params int[] shape)
    {
        if (Tensor.CheckedLength(shape) != source.Length)
            throw new ArgumentException($"cannot view {source.ShapeString()} as [{string.Join(", ", shape)}]");
        return new Tensor(this, source.DType, (int[])shape.Clone(), source.Buffer, ownsBuffer: false);
    }

    /// <summary>Allocates <paramref name="bytes"/> bytes of device memory.</summary>
    protected abstract DeviceBuffer AllocateBuffer(long bytes);

    /// <summary>Copies host elements into a tensor; lengths must match.</summary>
    public abstract void Upload<T>(Tensor destination, ReadOnlySpan<T> source) where T : unmanaged;

    /// <summary>Copies a tensor's elements to host memory; lengths must match.</summary>
    public abstract void Download<T>(Tensor source, Span<T> destination) where T : unmanaged;

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public abstract void Fill(Tensor tensor, double value);

    /// <summary>Copies all elements of <paramref name="source"/> into <paramref name="destination"/> (same length and dtype).</summary>
    public abstract void Copy(Tensor source, Tensor destination);

    /// <summary>
    /// General matrix product on 2-D tensors: C = op(A) op(B) + beta C, op = transpose when
    /// the flag is set. A is [M, K] (or [K, M] transposed), B is [K, N] (or [N, K]), C is [M, N].
    /// </summary>
    public abstract void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta);

    /// <summary>y[n, j] += bias[j] for y [N, F] and bias [F].</summary>
    public abstract void AddRowBias(Tensor y, Tensor bias);

    /// <summary>sums[j] = Σ_n x[n, j] for x [N, F] and sums [F] (the bias gradient of Dense).</summary>
    public abstract void SumRows(Tensor x, Tensor sums);

    /// <summary>
    /// Cross-correlation (what deep-learning frameworks call convolution):
    /// y[n,o,i,j] = bias[o] + Σ_{c,p,q} kernel[o,c,p,q] x[n,c,i*sh+p-padTop, j*sw+q-padLeft],
    /// with x zero outside the image. x [N, C, H, W], kernel [O, C, KH, KW], bias [O] or null, y [N, O, OH, OW].
    /// With <paramref name="relu"/>, y = max(·, 0): fused, so that each output is activated while it is still in
    /// cache instead of in a separate pass over the whole batch.
    /// </summary>
    public abstract void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false);

    /// <summary>
    /// Gradients of <see cref="Conv2DForward"/> given dy [N, O, OH, OW]:
    /// dKernel[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] x[n,c,i*sh+p-pt, j*sw+q-pl];
    /// dBias[o] = Σ_{n,i,j} dy[n,o,i,j]; dx = the transposed convolution of dy with the kernel
    /// (skipped when <paramref name="dx"/> is null, e.g. for the first layer).
    /// When the forward pass fused a ReLU, <paramref name="reluOutput"/> is its output y and the gradients are those of
    /// dy ⊙ [y &gt; 0], the ReLU's own backward step folded in; dy may then be overwritten.
    /// </summary>
    public abstract void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null);

    /// <summary>
    /// Batch normalisation in training mode (Ioffe and Szegedy 2015, Algorithm 1) over
    /// x viewed as [N, C, S] (S = H*W for images, 1 for features), statistics per channel c:
    /// μ = mean, σ² = biased variance over N*S values; y = γ (x - μ)/√(σ² + ε) + β.
    /// Writes batchMean = μ and batchInvStd = 1/√(σ² + ε) for the backward pass, and updates
    /// moving = momentum * moving + (1 - momentum) * batch for mean and variance (Keras).
    /// With <paramref name="relu"/>, y = max(that, 0): a following Activation("relu") fused in, saving a pass.
    /// </summary>
    public abstract void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false);

    /// <summary>Batch normalisation at inference: y = γ (x - moving mean)/√(moving variance + ε) + β, x viewed as [N, C, S];
    /// then max(y, 0) with <paramref name="relu"/>.</summary>
    public abstract void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double epsilon, Tensor y, bool relu = false);

    /// <summary>
    /// Gradients of <see cref="BatchNormTraining"/> with x̂ = (x - μ) σ⁻¹ and M = N*S:
    /// dβ = Σ dy; dγ = Σ dy x̂; dx = γ σ⁻¹ / M (M dy - dβ - x̂ dγ).
    /// With <paramref name="reluOutput"/> (the fused ReLU's output y), dy is first masked by [y &gt; 0], in place.
    /// </summary>
    public abstract void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd,
        Tensor dx, Tensor dGamma, Tensor dBeta, Tensor? reluOutput = null);

    /// <summary>Max pooling: y = max over each window of x; argmax [N, C, OH, OW] (Int32) records the flat H*W index of the winner (first on ties).</summary>
    public abstract void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g);

    /// <summary>dx = 0 except dx[argmax] += dy, the gradient of <see cref="MaxPoolForward"/>.</summary>
    public abstract void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g);

    /// <summary>y = max(x, 0). x and y may be the same tensor.</summary>
    public abstract void ReluForward(Tensor x, Tensor y);

    /// <summary>dx = dy where y &gt; 0, else 0 (uses the output y, so in-place ReLU works). dy and dx may alias.</summary>
    public abstract void ReluBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>Row-wise softmax of x [N, K]: y = exp(x - max) / Σ exp(x - max).</summary>
    public abstract void SoftmaxForward(Tensor x, Tensor y);

    /// <summary>Gradient of row-wise softmax from its output: dx = y ⊙ (dy - Σ_k dy_k y_k).</summary>
    public abstract void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>
    /// Inverted dropout (Srivastava et al. 2014; Keras): mask[i] = 0 with probability
    /// <paramref name="rate"/>, else 1/(1 - rate); y = x ⊙ mask. The uniform draw for element i
    /// is Philox4x32-10 keyed by (seed, step, layerId, i), so every backend makes the same mask.
    /// </summary>
    public abstract void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId);

    /// <summary>dx = dy ⊙ mask (the mask written by <see cref="DropoutForward"/>).</summary>
    public abstract void DropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    /// <summary>
    /// Softmax cross-entropy from logits [N, K] and Int32 labels [N], computed with
    /// log-sum-exp: loss_n = logsumexp(z_n) - z_n[label]. Writes dLogits = (softmax(z) - onehot)/N
    /// when not null. Only the two returned numbers cross back to the host.
    /// </summary>
    /// <remarks>
    /// With <paramref name="classWeight"/> [K] (Keras <c>class_weight</c>, turned into per-sample
    /// weights w_n = classWeight[label_n]), each sample's term is scaled and the sum is still divided
    /// by N, as Keras' default "sum_over_batch_size" reduction does:
    /// L = (1/N) Σ_n w_n (logsumexp(z_n) - z_n[label_n]); ∂L/∂z_n = w_n (softmax(z_n) - onehot(label_n))/N.
    /// Null leaves the unweighted results bit for bit as they were.
    /// Source: keras.io/api/models/model_training_apis (fit, class_weight).
    /// </remarks>
    /// <exception cref="ArgumentException">A label is outside [0, K), labels are not Int32 [N], or
    /// <paramref name="classWeight"/> is not [K] of the logits' dtype.</exception>
    public abstract LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null);

    /// <summary>Checks the shapes <see cref="SoftmaxCrossEntropy"/> relies on; every backend calls it first.</summary>
    /// <exception cref="ArgumentException">labels are not Int32 [N], or classWeight is not [K] of the logits' dtype.</exception>
    protected static void CheckCrossEntropyArguments(Tensor logits, Tensor labels, Tensor? classWeight)
    {
        int n = logits.Dim(0), k = logits.Dim(1);
        if (labels.DType != DType.Int32 || labels.Length != n)
            throw new ArgumentException($"labels must be Int32 [{n}], got {labels.DType} {labels.ShapeString()}");
        if (classWeight != null && (classWeight.DType != logits.DType || classWeight.Length != k))
            throw new ArgumentException($"class weights must be {logits.DType} [{k}] like the logits' classes, got {classWeight.DType} {classWeight.ShapeString()}");
    }

    /// <summary>
    /// y += α·x element-wise (BLAS axpy), x and y of the same length and dtype, α rounded to that
    /// dtype. Every backend computes it as one fused multiply-add per element, so they agree bit
    /// for bit. Used for the L2 penalty's gradient term dW += 2λ·W.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths or dtypes differ, or a tensor is not floating-point.</exception>
    public abstract void AddScaled(Tensor y, Tensor x, double alpha);

    /// <summary>
    /// Σ x[i]², accumulated in the tensor's dtype in blocks and combined in double; one host round trip
    /// on GPU backends. Used for the L2 penalty λ·Σw² in the reported loss.
    /// </summary>
    /// <exception cref="ArgumentException">x is not floating-point.</exception>
    public abstract double SumOfSquares(Tensor x);

    /// <summary>Checks the operands of <see cref="AddScaled"/>.</summary>
    /// <exception cref="ArgumentException">Lengths or dtypes differ.</exception>
    protected static void CheckSameLayout(Tensor y, Tensor x)
    {
        if (y.DType != x.DType || y.Length != x.Length)
            throw new ArgumentException($"expected tensors of the same length and dtype, got {y.DType} {y.ShapeString()} and {x.DType} {x.ShapeString()}");
    }

    /// <summary>
    /// Keras SGD step. Without momentum: p -= lr g. With momentum μ: v = μ v - lr g, then
    /// p += v, or with Nesterov p += μ v - lr g. <paramref name="velocity"/> may be null when μ = 0.
    /// </summary>
    public abstract void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov);

    /// <summary>
    /// Keras Adam step t (1-based; Kingma and Ba 2015): m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²;
    /// p -= lr √(1-β2^t)/(1-β1^t) · m/(√v + ε).
    /// </summary>
    public abstract void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v,
        double learningRate, double beta1, double beta2, double epsilon, long t);

    /// <summary>Waits until all queued work is done (a no-op on the CPU).</summary>
    public virtual void Synchronize() { }

    /// <summary>Releases backend resources (contexts, queues, scratch memory).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

}
