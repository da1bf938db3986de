using System.Numerics;
using System.Runtime.Intrinsics;
using NativeCnn.Engine.Cpu;
using NativeCnn.Engine.Devices.Cpu.Kernels;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>
/// The CPU backend: host memory, kernels vectorised with System.Runtime.Intrinsics
/// (Vector512 where the processor runs it natively) and spread over all cores.
/// Each operation dispatches on the dtype to one generic kernel, so float32 training and
/// float64 gradient checks run the same code.
/// </summary>
public sealed unsafe class CpuDevice : Device
{
    private readonly Convolution _convolution;

    /// <summary>A CPU device using every core.</summary>
    /// <param name="convolution">How Conv2D layers are computed; <see cref="ConvolutionAlgorithm.Auto"/> picks the
    /// fastest method per layer shape, <see cref="ConvolutionAlgorithm.Im2Col"/> forces the baseline (for benchmarks).</param>
    public CpuDevice(ConvolutionAlgorithm convolution = ConvolutionAlgorithm.Auto) => _convolution = new Convolution(convolution);

    /// <summary>Cores the kernels use (Environment.ProcessorCount).</summary>
    public int Cores => CpuParallel.Workers;

    /// <summary>Widest vector the kernels use natively, in bits (512, 256 or 128).</summary>
    public static int SimdBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <inheritdoc/>
    public override string Name => $"cpu ({Cores} cores, {SimdBits}-bit SIMD)";

    /// <inheritdoc/>
    protected override DeviceBuffer AllocateBuffer(long bytes) => new CpuBuffer(bytes);

    private static T* P<T>(Tensor t) where T : unmanaged => (T*)((IHostBuffer)t.Buffer).Pointer;

    private static T* POrNull<T>(Tensor? t) where T : unmanaged => t == null ? null : P<T>(t);

    private static bool IsDouble(Tensor t) => t.DType switch
    {
        DType.Float32 => false,
        DType.Float64 => true,
        _ => throw new ArgumentException($"expected a floating-point tensor, got {t.DType} {t.ShapeString()}"),
    };

    /// <inheritdoc/>
    public override void Upload<T>(Tensor destination, ReadOnlySpan<T> source)
    {
        CheckLength(destination, source.Length);
        source.CopyTo(destination.AsSpan<T>());
    }

    /// <inheritdoc/>
    public override void Download<T>(Tensor source, Span<T> destination)
    {
        CheckLength(source, destination.Length);
        source.AsSpan<T>().CopyTo(destination);
    }

    private static void CheckLength(Tensor t, int length)
    {
        if (t.Length != length)
            throw new ArgumentException($"tensor {t.ShapeString()} holds {t.Length} elements, host span has {length}");
    }

    /// <inheritdoc/>
    public override void Fill(Tensor tensor, double value)
    {
        switch (tensor.DType)
        {
            case DType.Float32: tensor.AsSpan<float>().Fill((float)value); break;
            case DType.Float64: tensor.AsSpan<double>().Fill(value); break;
            default: tensor.AsSpan<int>().Fill(checked((int)value)); break;
        }
    }

    /// <inheritdoc/>
    public override void Copy(Tensor source, Tensor destination)
    {
        if (source.DType != destination.DType || source.Length != destination.Length)
            throw new ArgumentException($"cannot copy {source} into {destination}");
        long bytes = source.Length * source.DType.SizeInBytes();
        Buffer.MemoryCopy(P<byte>(source), P<byte>(destination), bytes, bytes);
    }

    /// <inheritdoc/>
    public override void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta)
    {
        int m = c.Dim(0), n = c.Dim(1), k = transposeA ? a.Dim(0) : a.Dim(1);
        if ((transposeA ? a.Dim(1) : a.Dim(0)) != m || (transposeB ? b.Dim(1) : b.Dim(0)) != k || (transposeB ? b.Dim(0) : b.Dim(1)) != n)
            throw new ArgumentException($"MatMul shapes do not agree: A {a.ShapeString()}{(transposeA ? "ᵀ" : "")} · B {b.ShapeString()}{(transposeB ? "ᵀ" : "")} → C {c.ShapeString()}");
        if (IsDouble(c))
            Gemm.Multiply(transposeA, transposeB, m, n, k, 1.0, P<double>(a), a.Dim(1), P<double>(b), b.Dim(1), beta, P<double>(c), n);
        else
            Gemm.Multiply(transposeA, transposeB, m, n, k, 1f, P<float>(a), a.Dim(1), P<float>(b), b.Dim(1), (float)beta, P<float>(c), n);
    }

    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias)
    {
        if (IsDouble(y)) DenseBias.AddRowBias(P<double>(y), P<double>(bias), y.Dim(0), (int)(y.Length / y.Dim(0)));
        else DenseBias.AddRowBias(P<float>(y), P<float>(bias), y.Dim(0), (int)(y.Length / y.Dim(0)));
    }

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums)
    {
        if (IsDouble(x)) DenseBias.SumRows(P<double>(x), P<double>(sums), x.Dim(0), (int)(x.Length / x.Dim(0)));
        else DenseBias.SumRows(P<float>(x), P<float>(sums), x.Dim(0), (int)(x.Length / x.Dim(0)));
    }

    /// <inheritdoc/>
    public override void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false)
    {
        if (IsDouble(x)) _convolution.Forward(P<double>(x), P<double>(kernel), POrNull<double>(bias), P<double>(y), g, relu);
        else _convolution.Forward(P<float>(x), P<float>(kernel), POrNull<float>(bias), P<float>(y), g, relu);
    }

    /// <inheritdoc/>
    public override void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null)
    {
        if (IsDouble(x))
            _convolution.Backward(P<double>(x), P<double>(kernel), P<double>(dy), POrNull<double>(dx), P<double>(dKernel), POrNull<double>(dBias), g,
                POrNull<double>(reluOutput));
        else
            _convolution.Backward(P<float>(x), P<float>(kernel), P<float>(dy), POrNull<float>(dx), P<float>(dKernel), POrNull<float>(dBias), g,
                POrNull<float>(reluOutput));
    }

    private static (int N, int C, int S) ChannelView(Tensor x) => (x.Dim(0), x.Dim(1), (int)(x.Length / ((long)x.Dim(0) * x.Dim(1))));

    /// <inheritdoc/>
    public override void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false)
    {
        var (n, c, s) = ChannelView(x);
        if (IsDouble(x))
            BatchNorm.Training(P<double>(x), P<double>(gamma), P<double>(beta), P<double>(movingMean), P<double>(movingVariance),
                momentum, epsilon, P<double>(y), P<double>(batchMean), P<double>(batchInvStd), n, c, s, relu);
        else
            BatchNorm.Training(P<float>(x), P<float>(gamma), P<float>(beta), P<float>(movingMean), P<float>(movingVariance),
                (float)momentum, (float)epsilon, P<float>(y), P<float>(batchMean), P<float>(batchInvStd), n, c, s, relu);
    }

    /// <inheritdoc/>
    public override void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance, double epsilon, Tensor y,
        bool relu = false)
    {
        var (n, c, s) = ChannelView(x);
        if (IsDouble(x))
            BatchNorm.Inference(P<double>(x), P<double>(gamma), P<double>(beta), P<double>(movingMean), P<double>(movingVariance), epsilon, P<double>(y), n, c, s, relu);
        else
            BatchNorm.Inference(P<float>(x), P<float>(gamma), P<float>(beta), P<float>(movingMean), P<float>(movingVariance), (float)epsilon, P<float>(y), n, c, s, relu);
    }

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd, Tensor dx, Tensor dGamma, Tensor dBeta,
        Tensor? reluOutput = null)
    {
        var (n, c, s) = ChannelView(x);
        if (IsDouble(x))
            BatchNorm.Backward(P<double>(x), P<double>(dy), P<double>(gamma), P<double>(batchMean), P<double>(batchInvStd), P<double>(dx), P<double>(dGamma), P<double>(dBeta), n, c, s,
                POrNull<double>(reluOutput));
        else
            BatchNorm.Backward(P<float>(x), P<float>(dy), P<float>(gamma), P<float>(batchMean), P<float>(batchInvStd), P<float>(dx), P<float>(dGamma), P<float>(dBeta), n, c, s,
                POrNull<float>(reluOutput));
    }

    /// <inheritdoc/>
    public override void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g)
    {
        if (IsDouble(x)) MaxPooling.Forward(P<double>(x), P<double>(y), P<int>(argmax), g);
        else MaxPooling.Forward(P<float>(x), P<float>(y), P<int>(argmax), g);
    }

    /// <inheritdoc/>
    public override void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g)
    {
        if (IsDouble(dy)) MaxPooling.Backward(P<double>(dy), P<int>(argmax), P<double>(dx), g);
        else MaxPooling.Backward(P<float>(dy), P<int>(argmax), P<float>(dx), g);
    }

    /// <inheritdoc/>
    public override void ReluForward(Tensor x, Tensor y)
    {
        if (IsDouble(x)) VectorLoop.Map<double, ReluOp<double>>(P<double>(x), P<double>(y), x.Length);
        else VectorLoop.Map<float, ReluOp<float>>(P<float>(x), P<float>(y), x.Length);
    }

    /// <inheritdoc/>
    public override void ReluBackward(Tensor y, Tensor dy, Tensor dx)
    {
        if (IsDouble(y)) VectorLoop.Map<double, ReluGradientOp<double>>(P<double>(y), P<double>(dy), P<double>(dx), y.Length);
        else VectorLoop.Map<float, ReluGradientOp<float>>(P<float>(y), P<float>(dy), P<float>(dx), y.Length);
    }

    /// <inheritdoc/>
    public override void SoftmaxForward(Tensor x, Tensor y)
    {
        if (IsDouble(x)) Softmax.Forward(P<double>(x), P<double>(y), x.Dim(0), x.Dim(1));
        else Softmax.Forward(P<float>(x), P<float>(y), x.Dim(0), x.Dim(1));
    }

    /// <inheritdoc/>
    public override void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx)
    {
        if (IsDouble(y)) Softmax.Backward(P<double>(y), P<double>(dy), P<double>(dx), y.Dim(0), y.Dim(1));
        else Softmax.Backward(P<float>(y), P<float>(dy), P<float>(dx), y.Dim(0), y.Dim(1));
    }

    /// <inheritdoc/>
    public override void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId)
    {
        if (IsDouble(x)) Dropout.Forward(P<double>(x), P<double>(y), P<double>(mask), x.Length, rate, seed, step, layerId);
        else Dropout.Forward(P<float>(x), P<float>(y), P<float>(mask), x.Length, rate, seed, step, layerId);
    }

    /// <inheritdoc/>
    public override void DropoutBackward(Tensor dy, Tensor mask, Tensor dx)
    {
        if (IsDouble(dy)) VectorLoop.Map<double, MultiplyOp<double>>(P<double>(dy), P<double>(mask), P<double>(dx), dy.Length);
        else VectorLoop.Map<float, MultiplyOp<float>>(P<float>(dy), P<float>(mask), P<float>(dx), dy.Length);
    }

    /// <inheritdoc/>
    public override LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null)
    {
        CheckCrossEntropyArguments(logits, labels, classWeight);
        int n = logits.Dim(0), k = logits.Dim(1);
        var (sum, correct) = IsDouble(logits)
            ? Softmax.CrossEntropy(P<double>(logits), P<int>(labels), POrNull<double>(dLogits), POrNull<double>(classWeight), n, k)
            : Softmax.CrossEntropy(P<float>(logits), P<int>(labels), POrNull<float>(dLogits), POrNull<float>(classWeight), n, k);
        return new LossResult(n == 0 ? 0 : sum / n, correct);
    }

    /// <inheritdoc/>
    public override void AddScaled(Tensor y, Tensor x, double alpha)
    {
        CheckSameLayout(y, x);
        if (IsDouble(y)) Blas1.AddScaled(P<double>(y), P<double>(x), alpha, y.Length);
        else Blas1.AddScaled(P<float>(y), P<float>(x), (float)alpha, y.Length);
    }

    /// <inheritdoc/>
    public override double SumOfSquares(Tensor x) =>
        IsDouble(x) ? Blas1.SumOfSquares(P<double>(x), x.Length) : Blas1.SumOfSquares(P<float>(x), x.Length);

    /// <inheritdoc/>
    public override void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov)
    {
        if (IsDouble(parameter))
            OptimizerUpdates.Sgd(P<double>(parameter), P<double>(gradient), POrNull<double>(velocity), parameter.Length, learningRate, momentum, nesterov);
        else
            OptimizerUpdates.Sgd(P<float>(parameter), P<float>(gradient), POrNull<float>(velocity), parameter.Length, (float)learningRate, (float)momentum, nesterov);
    }

    /// <inheritdoc/>
    public override void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v, double learningRate, double beta1, double beta2, double epsilon, long t)
    {
        if (IsDouble(parameter))
            OptimizerUpdates.Adam(P<double>(parameter), P<double>(gradient), P<double>(m), P<double>(v), parameter.Length, learningRate, beta1, beta2, epsilon, t);
        else
            OptimizerUpdates.Adam(P<float>(parameter), P<float>(gradient), P<float>(m), P<float>(v), parameter.Length, (float)learningRate, (float)beta1, (float)beta2, (float)epsilon, t);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _convolution.Dispose();
        base.Dispose();
    }
}
