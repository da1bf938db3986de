using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

/// <summary>Mean loss and number of correct arg-max predictions of one batch.</summary>
/// <param name="MeanLoss">Categorical cross-entropy summed over the batch and divided by the batch size N, nats;
/// each sample's term multiplied by its class weight when class weights were given.</param>
/// <param name="Correct">Samples whose arg-max logit equals the label.</param>
public readonly record struct LossResult(double MeanLoss, int Correct);

/// <summary>
/// A compute backend: the only place where kernels are called from. Layers describe the math and call
/// these operations on tensors the device owns; a device never knows about layers.
/// </summary>
/// <remarks>
/// Conventions shared by every operation: tensors are contiguous, row-major, NCHW; all
/// floating tensors of one call share one dtype (Float32, or Float64 for gradient checks);
/// outputs are overwritten, never accumulated into, unless the summary says otherwise.
/// Shapes are checked by the layers; devices check only what they cannot survive.
/// Each operation's equations are stated once, on its scalar reference in <c>engine/Ops/&lt;Operation&gt;/</c>
/// (linked from each member below); the same folder holds the CPU kernel, the ILGPU kernels and every device's
/// entry point for it.
/// </remarks>
public abstract class Device : IDisposable
{
    /// <summary>Human-readable name, e.g. "cpu (2 cores, 512-bit SIMD)".</summary>
    public abstract string Name { get; }

    /// <summary>Kernel launches, copies and allocations so far (see <see cref="DeviceCounters"/>).</summary>
    public DeviceCounters Counters { get; } = new();

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

    /// <summary>Copies host elements into a tensor; lengths and element type must match.</summary>
    /// <exception cref="ArgumentException">T is not the tensor's dtype, or the lengths differ.</exception>
    public abstract void Upload<T>(Tensor destination, ReadOnlySpan<T> source) where T : unmanaged;

    /// <summary>
    /// Starts copying host elements into a tensor and returns as soon as <paramref name="source"/> may be reused: the
    /// device may still be copying while it runs other work (a GPU copies from pinned host memory on a stream of its own,
    /// so the next batch travels while the current step computes). The tensor must not be used until
    /// <see cref="FinishUploads"/> returns. Host devices copy at once.
    /// </summary>
    /// <exception cref="ArgumentException">T is not the tensor's dtype, or the lengths differ.</exception>
    public virtual void UploadAsync<T>(Tensor destination, ReadOnlySpan<T> source) where T : unmanaged => Upload(destination, source);

    /// <summary>Waits until every <see cref="UploadAsync{T}"/> has landed (a no-op on host devices).</summary>
    public virtual void FinishUploads() { }

    /// <summary>Copies a tensor's elements to host memory; lengths and element type must match.</summary>
    /// <exception cref="ArgumentException">T is not the tensor's dtype, or the lengths differ.</exception>
    public abstract void Download<T>(Tensor source, Span<T> destination) where T : unmanaged;

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public abstract void Fill(Tensor tensor, double value);

    /// <summary>Copies all elements of <paramref name="source"/> into <paramref name="destination"/> (same length and dtype).</summary>
    /// <exception cref="ArgumentException">The tensors differ in length or dtype.</exception>
    public abstract void Copy(Tensor source, Tensor destination);

    /// <summary>General matrix product of 2-D tensors, C = op(A) op(B) + beta C; equations and shapes:
    /// <see cref="GemmReference"/>.</summary>
    /// <exception cref="ArgumentException">The shapes do not agree.</exception>
    public abstract void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta);

    /// <summary>Adds a bias to every row of y [N, F] (Dense); equation: <see cref="BiasReference.AddRowBias{T}"/>.</summary>
    public abstract void AddRowBias(Tensor y, Tensor bias);

    /// <summary>Sums the rows of x [N, F] into sums [F] (Dense's bias gradient); equation: <see cref="BiasReference.SumRows{T}"/>.</summary>
    public abstract void SumRows(Tensor x, Tensor sums);

    /// <summary>
    /// Cross-correlation (what deep-learning frameworks call convolution), x [N, C, H, W], kernel [O, C, KH, KW],
    /// bias [O] or null, y [N, O, OH, OW]; equation: <see cref="ConvolutionReference.Forward{T}"/>. With
    /// <paramref name="relu"/>, y = max(·, 0), fused so each output is activated while it is still in cache.
    /// </summary>
    public abstract void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false);

    /// <summary>
    /// Gradients of <see cref="Conv2DForward"/> given dy [N, O, OH, OW]: dKernel, dBias (when not null) and dx (skipped
    /// when null, e.g. for the first layer); equations: <see cref="ConvolutionReference.Backward{T}"/>.
    /// When the forward pass fused a ReLU, <paramref name="reluOutput"/> is its output y and the gradients are those of
    /// dy ⊙ [y &gt; 0] (<see cref="ReluReference.Backward{T}"/>); dy may then be overwritten.
    /// </summary>
    public abstract void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null);

    /// <summary>
    /// Batch normalisation in training mode over x viewed as [N, C, S], statistics per channel: writes y, the batch
    /// mean and 1/√(σ² + ε) for the backward pass, and updates the moving averages; equations:
    /// <see cref="BatchNormReference.Training{T}"/>. With <paramref name="relu"/>, y = max(·, 0) (a following
    /// Activation("relu") fused in).
    /// </summary>
    public abstract void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false);

    /// <summary>Batch normalisation at inference with the moving statistics, x viewed as [N, C, S]; equation:
    /// <see cref="BatchNormReference.Inference{T}"/>; then max(y, 0) with <paramref name="relu"/>.</summary>
    public abstract void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double epsilon, Tensor y, bool relu = false);

    /// <summary>
    /// Gradients of <see cref="BatchNormTraining"/>: dx, dγ, dβ; equations: <see cref="BatchNormReference.Backward{T}"/>.
    /// With <paramref name="reluOutput"/> (the fused ReLU's output y), dy is first masked by [y &gt; 0], in place.
    /// </summary>
    public abstract void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd,
        Tensor dx, Tensor dGamma, Tensor dBeta, Tensor? reluOutput = null);

    /// <summary>Max pooling with 'valid' windows; argmax [N, C, OH, OW] (Int32) records each winner's flat H*W index
    /// (first on ties); equation: <see cref="MaxPoolReference.Forward{T}"/>.</summary>
    public abstract void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g);

    /// <summary>The gradient of <see cref="MaxPoolForward"/> from its argmax; equation: <see cref="MaxPoolReference.Backward{T}"/>.</summary>
    public abstract void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g);

    /// <summary>y = max(x, 0) (<see cref="ReluReference.Forward{T}"/>). x and y may be the same tensor.</summary>
    public abstract void ReluForward(Tensor x, Tensor y);

    /// <summary>The ReLU's gradient from its output y (<see cref="ReluReference.Backward{T}"/>), so in-place ReLU works.
    /// dy and dx may alias.</summary>
    public abstract void ReluBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>Row-wise softmax of x [N, K] (<see cref="SoftmaxReference.Forward{T}"/>).</summary>
    public abstract void SoftmaxForward(Tensor x, Tensor y);

    /// <summary>Gradient of row-wise softmax from its output (<see cref="SoftmaxReference.Backward{T}"/>).</summary>
    public abstract void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx);

    /// <summary>
    /// Inverted dropout with a mask drawn from Philox4x32-10 keyed by (seed, step, layerId, element), the same on every
    /// device; equations: <see cref="DropoutReference.Forward{T}"/>.
    /// </summary>
    public abstract void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId);

    /// <summary>dx = dy ⊙ mask, the mask written by <see cref="DropoutForward"/> (<see cref="DropoutReference.Backward{T}"/>).</summary>
    public abstract void DropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    /// <summary>
    /// Fused softmax cross-entropy from logits [N, K] and Int32 labels [N], optionally class-weighted by
    /// <paramref name="classWeight"/> [K] (Keras <c>class_weight</c>); writes dLogits when not null. Only the two
    /// returned numbers cross back to the host. Equations: <see cref="CrossEntropyReference.Compute{T}"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A label is outside [0, K), labels are not Int32 [N], or
    /// <paramref name="classWeight"/> is not [K] of the logits' dtype.</exception>
    public abstract LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null);

    /// <summary>
    /// y += α·x element-wise (BLAS axpy) with one fused multiply-add per element, so every device agrees bit for bit
    /// (<see cref="Blas1Reference.AddScaled{T}"/>). Used for the L2 penalty's gradient term dW += 2λ·W.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths or dtypes differ, or a tensor is not floating-point.</exception>
    public abstract void AddScaled(Tensor y, Tensor x, double alpha);

    /// <summary>Σ x[i]² (<see cref="Blas1Reference.SumOfSquares{T}"/>); one host round trip on a GPU. Used for the
    /// L2 penalty λ·Σw² in the reported loss.</summary>
    /// <exception cref="ArgumentException">x is not floating-point.</exception>
    public abstract double SumOfSquares(Tensor x);

    /// <summary>One Keras SGD step, plain, with momentum or Nesterov momentum (<see cref="OptimizerReference.Sgd{T}"/>);
    /// <paramref name="velocity"/> may be null when momentum is 0.</summary>
    public abstract void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov);

    /// <summary>One Keras Adam step t, 1-based (<see cref="OptimizerReference.Adam{T}"/>).</summary>
    public abstract void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v,
        double learningRate, double beta1, double beta2, double epsilon, long t);

    /// <summary>Prepares <paramref name="parameters"/> for fused optimizer steps; dispose the table when done. A GPU keeps a
    /// table of their addresses on the device; host devices keep the list.</summary>
    /// <exception cref="ArgumentException">A gradient or state tensor differs from its value in length or dtype.</exception>
    public virtual OptimizerTable CreateOptimizerTable(IReadOnlyList<ParameterSlots> parameters) => new(parameters);

    /// <summary>One Keras SGD step for every parameter of <paramref name="table"/> (state slot 0 is the velocity when
    /// momentum is not 0): <see cref="SgdUpdate(Tensor, Tensor, Tensor?, double, double, bool)"/> on each, which a GPU
    /// does in one launch.</summary>
    public virtual void SgdUpdate(OptimizerTable table, double learningRate, double momentum, bool nesterov)
    {
        foreach (var p in table.Parameters)
            SgdUpdate(p.Value, p.Gradient, p.State.Count > 0 ? p.State[0] : null, learningRate, momentum, nesterov);
    }

    /// <summary>One Keras Adam step t for every parameter of <paramref name="table"/> (state slots m and v):
    /// <see cref="AdamUpdate(Tensor, Tensor, Tensor, Tensor, double, double, double, double, long)"/> on each, which a GPU
    /// does in one launch.</summary>
    /// <exception cref="ArgumentException">A parameter has fewer than two state slots.</exception>
    public virtual void AdamUpdate(OptimizerTable table, double learningRate, double beta1, double beta2, double epsilon, long t)
    {
        foreach (var p in table.Parameters)
        {
            if (p.State.Count < 2) throw new ArgumentException($"Adam needs the m and v slots of {p.Value}, got {p.State.Count}");
            AdamUpdate(p.Value, p.Gradient, p.State[0], p.State[1], learningRate, beta1, beta2, epsilon, t);
        }
    }

    /// <summary>Waits until all queued work is done (a no-op on host devices).</summary>
    public virtual void Synchronize() { }

    /// <summary>Releases device resources (contexts, streams, scratch memory).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Checks the shapes <see cref="SoftmaxCrossEntropy"/> relies on; every device calls it first.</summary>
    /// <exception cref="ArgumentException">labels are not Int32 [N], or classWeight is not [K] of the logits' dtype.</exception>
    protected static void CheckCrossEntropyArguments(Tensor logits, Tensor labels, Tensor? classWeight)
    {
        int n = logits.Dim(0), k = logits.Dim(1);
        if (labels.DType != DType.Int32 || labels.Length != n)
            throw new ArgumentException($"labels must be Int32 [{n}], got {labels.DType} {labels.ShapeString()}");
        if (classWeight != null && (classWeight.DType != logits.DType || classWeight.Length != k))
            throw new ArgumentException($"class weights must be {logits.DType} [{k}] like the logits' classes, got {classWeight.DType} {classWeight.ShapeString()}");
    }

    /// <summary>Checks the operands of <see cref="AddScaled"/>.</summary>
    /// <exception cref="ArgumentException">Lengths or dtypes differ.</exception>
    protected static void CheckSameLayout(Tensor y, Tensor x)
    {
        if (y.DType != x.DType || y.Length != x.Length)
            throw new ArgumentException($"expected tensors of the same length and dtype, got {y.DType} {y.ShapeString()} and {x.DType} {x.ShapeString()}");
    }

    /// <summary>Checks the operands of <see cref="Copy"/>.</summary>
    /// <exception cref="ArgumentException">Lengths or dtypes differ.</exception>
    protected static void CheckCopy(Tensor source, Tensor destination)
    {
        if (source.DType != destination.DType || source.Length != destination.Length)
            throw new ArgumentException($"cannot copy {source} into {destination}");
    }

    /// <summary>Checks that a host span of T can be copied to or from <paramref name="t"/>.</summary>
    /// <exception cref="ArgumentException">T is not the tensor's dtype, or the lengths differ.</exception>
    protected static void CheckHostSpan<T>(Tensor t, int length) where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != t.DType)
            throw new ArgumentException($"tensor of dtype {t.DType} copied as {typeof(T).Name}");
        if (t.Length != length)
            throw new ArgumentException($"tensor {t.ShapeString()} holds {t.Length} elements, host span has {length}");
    }

    /// <summary>The (M, N, K) of <see cref="MatMul"/>.</summary>
    /// <exception cref="ArgumentException">The shapes do not agree.</exception>
    protected static (int M, int N, int K) MatMulShape(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c)
    {
        int m = c.Dim(0), n = c.Dim(1), k = transposeA ? a.Dim(0) : a.Dim(1);
        if ((transposeA ? a.Dim(1) : a.Dim(0)) != m || (transposeB ? b.Dim(1) : b.Dim(0)) != k || (transposeB ? b.Dim(0) : b.Dim(1)) != n)
            throw new ArgumentException($"MatMul shapes do not agree: A {a.ShapeString()}{(transposeA ? "ᵀ" : "")} · B {b.ShapeString()}{(transposeB ? "ᵀ" : "")} → C {c.ShapeString()}");
        return (m, n, k);
    }

    /// <summary>x [N, C, ...] as [N, C, S] with S the product of the remaining dimensions (1 for [N, F]).</summary>
    protected static (int N, int C, int S) ChannelView(Tensor x) => (x.Dim(0), x.Dim(1), (int)(x.Length / ((long)x.Dim(0) * x.Dim(1))));
}
