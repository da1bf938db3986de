using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// The host half of the GPU backends, shared by OpenCL and CUDA: every <see cref="Device"/>
/// operation as launches of the kernels in engine/Devices/Gpu/Kernels (one OpenCL C source),
/// through a small <see cref="IGpuBackend"/> that allocates, copies, compiles and launches.
/// </summary>
/// <remarks>
/// Kernels are compiled on first use, once per element type (<c>real</c> = float, or double for
/// float64 gradient checks where the device supports it), and cached with their kernel handles
/// for the device's lifetime. All work goes to one in-order queue, so launches need no
/// synchronisation; the only host round trip of a training step is the loss read-back in
/// <see cref="SoftmaxCrossEntropy"/>. Scratch memory (im2col columns, loss partials) is kept and
/// grown, never allocated per step once the sizes are known.
/// </remarks>
public abstract unsafe class GpuDevice : Device
{
    // Work-items per group of 1-D launches; must equal REDUCE_SIZE in common.cl for the reductions.
    private const int GroupSize = 256;
    // GEMM work-group shape and tile edge; must equal GEMM_THREADS and GEMM_TILE in gemm.cl.
    private const int GemmThreads = 16, GemmTile = 64;
    // Largest im2col matrix in elements (32 MiB of float32); larger batches are convolved in groups of images.
    private const long ColumnBudget = 1L << 23;

    // Work-groups of the first stage of SumOfSquares; the host adds this many partials at most.
    private const int MaxSumGroups = 256;

    private enum Scratch { Columns, Product, LossRows, LossHits, LossTotal, SumPartials, Count }

    private readonly IGpuBackend _backend;
    private readonly Dictionary<DType, CompiledProgram> _programs = [];
    private readonly GpuBuffer?[] _scratch = new GpuBuffer?[(int)Scratch.Count];
    private bool _disposed;

    private sealed class CompiledProgram(nint handle)
    {
        public nint Handle { get; } = handle;
        public Dictionary<string, nint> Kernels { get; } = [];
    }

    private protected GpuDevice(IGpuBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public override string Name => _backend.Name;

    /// <summary>True when the device runs float64 kernels (OpenCL: cl_khr_fp64; always on CUDA).</summary>
    public bool SupportsFloat64 => _backend.SupportsFloat64;

    /// <inheritdoc/>
    protected override DeviceBuffer AllocateBuffer(long bytes) => new GpuBuffer(_backend, bytes);

    // ---- kernel plumbing -------------------------------------------------------------------

    private nint Kernel(DType dtype, string name)
    {
        if (!_programs.TryGetValue(dtype, out CompiledProgram? program))
        {
            if (dtype == DType.Float64 && !SupportsFloat64)
                throw new GpuException($"{Name} does not support float64 (no cl_khr_fp64); float64 tensors need another device");
            var defines = dtype == DType.Float64 ? new[] { GpuKernelSource.Float64Define } : [];
            program = new CompiledProgram(_backend.Compile(SourceText, defines));
            _programs[dtype] = program;
        }
        if (!program.Kernels.TryGetValue(name, out nint kernel))
        {
            kernel = _backend.GetKernel(program.Handle, name);
            program.Kernels[name] = kernel;
        }
        return kernel;
    }

    /// <summary>The kernel source in the dialect the backend compiles (OpenCL C, or CUDA C++ through the compatibility header).</summary>
    private protected abstract string SourceText { get; }

    /// <summary>One work-item per item, in groups of <see cref="GroupSize"/>; kernels ignore the padding.</summary>
    private void LaunchItems(DType dtype, string name, long items, params KernelArg[] args)
    {
        if (items == 0) return;
        _backend.Launch(Kernel(dtype, name), (checked((int)((items + GroupSize - 1) / GroupSize)), 1), (GroupSize, 1), args);
    }

    /// <summary>One work-group of <see cref="GroupSize"/> work-items per group (channel reductions).</summary>
    private void LaunchGroups(DType dtype, string name, int groups, params KernelArg[] args)
    {
        if (groups == 0) return;
        _backend.Launch(Kernel(dtype, name), (groups, 1), (GroupSize, 1), args);
    }

    private static KernelArg B(Tensor t) => t.Buffer is GpuBuffer g
        ? KernelArg.Buffer(g.Handle)
        : throw new ArgumentException($"{t} does not live on a GPU device");

    private static KernelArg B(GpuBuffer buffer) => KernelArg.Buffer(buffer.Handle);

    private static KernelArg I(int value) => KernelArg.Int(value);

    private static KernelArg I(long value) => KernelArg.Int(checked((int)value));

    /// <summary>A <c>real</c> scalar: float or double to match the kernel's element type.</summary>
    private static KernelArg R(DType dtype, double value) =>
        dtype == DType.Float64 ? KernelArg.Double(value) : KernelArg.Float((float)value);

    private static DType Real(Tensor t) => t.DType switch
    {
        DType.Float32 or DType.Float64 => t.DType,
        _ => throw new ArgumentException($"expected a floating-point tensor, got {t.DType} {t.ShapeString()}"),
    };

    private GpuBuffer ScratchBuffer(Scratch slot, long bytes)
    {
        GpuBuffer? buffer = _scratch[(int)slot];
        if (buffer == null || buffer.Bytes < bytes)
        {
            buffer?.Dispose(); // the queue is in order: OpenCL and CUDA defer the free past queued work that uses it
            buffer = new GpuBuffer(_backend, Math.Max(bytes, 1));
            _scratch[(int)slot] = buffer;
        }
        return buffer;
    }

    // ---- memory ----------------------------------------------------------------------------

    /// <inheritdoc/>
    public override void Upload<T>(Tensor destination, ReadOnlySpan<T> source)
    {
        CheckHostSpan<T>(destination, source.Length);
        fixed (T* s = source) _backend.Write(((GpuBuffer)destination.Buffer).Handle, 0, s, source.Length * (long)sizeof(T));
    }

    /// <inheritdoc/>
    public override void Download<T>(Tensor source, Span<T> destination)
    {
        CheckHostSpan<T>(source, destination.Length);
        fixed (T* d = destination) _backend.Read(((GpuBuffer)source.Buffer).Handle, 0, d, destination.Length * (long)sizeof(T));
    }

    private static void CheckHostSpan<T>(Tensor t, int length) where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != t.DType)
            throw new ArgumentException($"tensor of dtype {t.DType} copied as {typeof(T).Name}");
        if (t.Length != length)
            throw new ArgumentException($"tensor {t.ShapeString()} holds {t.Length} elements, host span has {length}");
        if (t.Buffer is not GpuBuffer)
            throw new ArgumentException($"{t} does not live on a GPU device");
    }

    /// <inheritdoc/>
    public override void Fill(Tensor tensor, double value)
    {
        if (tensor.DType == DType.Int32)
            LaunchItems(DType.Float32, "fill_int", tensor.Length, B(tensor), I(checked((int)value)), I(tensor.Length));
        else
            LaunchItems(Real(tensor), "fill_real", tensor.Length, B(tensor), R(tensor.DType, value), I(tensor.Length));
    }

    /// <inheritdoc/>
    public override void Copy(Tensor source, Tensor destination)
    {
        if (source.DType != destination.DType || source.Length != destination.Length)
            throw new ArgumentException($"cannot copy {source} into {destination}");
        long words = source.Length * source.DType.SizeInBytes() / sizeof(uint);
        LaunchItems(DType.Float32, "copy_words", words, B(source), B(destination), I(words));
    }

    // ---- dense algebra ---------------------------------------------------------------------

    /// <inheritdoc/>
    public override void MatMul(Tensor a, bool transposeA, Tensor b, bool transposeB, Tensor c, double beta)
    {
        int m = c.Dim(0), n = c.Dim(1), k = transposeA ? a.Dim(0) : a.Dim(1);
        if ((transposeA ? a.Dim(1) : a.Dim(0)) != m || (transposeB ? b.Dim(1) : b.Dim(0)) != k || (transposeB ? b.Dim(0) : b.Dim(1)) != n)
            throw new ArgumentException($"MatMul shapes do not agree: A {a.ShapeString()}{(transposeA ? "ᵀ" : "")} · B {b.ShapeString()}{(transposeB ? "ᵀ" : "")} → C {c.ShapeString()}");
        Gemm(Real(c), m, n, k, B(a), 0, a.Dim(1), transposeA, B(b), 0, b.Dim(1), transposeB, B(c), 0, n, beta);
    }

    /// <summary>C[cOffset..] = op(A) op(B) + beta C with element offsets and leading dimensions, as in BLAS.</summary>
    private void Gemm(DType dtype, int m, int n, int k, KernelArg a, long aOffset, int lda, bool transposeA,
        KernelArg b, long bOffset, int ldb, bool transposeB, KernelArg c, long cOffset, int ldc, double beta)
    {
        if (m == 0 || n == 0) return;
        var groups = ((n + GemmTile - 1) / GemmTile, (m + GemmTile - 1) / GemmTile);
        _backend.Launch(Kernel(dtype, "gemm"), groups, (GemmThreads, GemmThreads),
        [
            I(m), I(n), I(k),
            a, I(aOffset), I(lda), I(transposeA ? 1 : 0),
            b, I(bOffset), I(ldb), I(transposeB ? 1 : 0),
            c, I(cOffset), I(ldc), R(dtype, beta),
        ]);
    }

    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias) =>
        LaunchItems(Real(y), "add_row_bias", y.Length, B(y), B(bias), I(y.Length / y.Dim(0)), I(y.Length));

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums)
    {
        // x [N, F] is [N, C = F, S = 1] to the per-channel reduction.
        int features = (int)(x.Length / x.Dim(0));
        LaunchGroups(Real(x), "channel_sum", features, B(x), B(sums), I(x.Dim(0)), I(features), I(1));
    }

    /// <inheritdoc/>
    public override void AddScaled(Tensor y, Tensor x, double alpha)
    {
        CheckSameLayout(y, x);
        DType dtype = Real(y);
        LaunchItems(dtype, "add_scaled", y.Length, B(y), B(x), R(dtype, alpha), I(y.Length));
    }

    /// <summary>
    /// Σ x²: up to <see cref="MaxSumGroups"/> work-groups each reduce a strided share of x, and the
    /// host adds their partials in double (one small read-back, which a scalar result needs anyway).
    /// </summary>
    public override double SumOfSquares(Tensor x)
    {
        DType dtype = Real(x);
        if (x.Length == 0) return 0;
        int groups = (int)Math.Clamp((x.Length + GroupSize - 1) / GroupSize, 1, MaxSumGroups);
        GpuBuffer partials = ScratchBuffer(Scratch.SumPartials, (long)groups * dtype.SizeInBytes());
        LaunchGroups(dtype, "sum_of_squares_partial", groups, B(x), I(x.Length), B(partials));
        Span<double> host = stackalloc double[groups];
        ReadAsDoubles(partials, dtype, host);
        double sum = 0;
        foreach (double p in host) sum += p;
        return sum;
    }

    // ---- convolution -----------------------------------------------------------------------

    /// <summary>Images per im2col group: as many as fit <see cref="ColumnBudget"/>, at least one.</summary>
    private static int ImagesPerGroup(in Conv2DGeometry g) =>
        (int)Math.Clamp(ColumnBudget / Math.Max(1L, (long)g.PatchSize * g.OutPixels), 1, Math.Max(1, g.Batch));

    private static KernelArg[] Geometry(in Conv2DGeometry g) =>
    [
        I(g.InChannels), I(g.InHeight), I(g.InWidth), I(g.KernelHeight), I(g.KernelWidth),
        I(g.StrideHeight), I(g.StrideWidth), I(g.PadTop), I(g.PadLeft), I(g.OutHeight), I(g.OutWidth),
    ];

    private void Im2Col(DType dtype, Tensor x, int firstImage, int images, in Conv2DGeometry g, GpuBuffer cols) =>
        LaunchItems(dtype, "im2col", (long)g.PatchSize * images * g.OutPixels,
            [B(x), I((long)firstImage * g.InChannels * g.InPixels), I(images), .. Geometry(g), B(cols)]);

    /// <summary>
    /// Per group of images: im2col, then Y[O, images*OH*OW] = W[O, K] · cols[K, images*OH*OW] (one
    /// GEMM), then the result is scattered into y's [N, O, OH, OW] layout with the bias added.
    /// </summary>
    public override void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false)
    {
        DType dtype = Real(x);
        int k = g.PatchSize, pixels = g.OutPixels, o = g.OutChannels, group = ImagesPerGroup(g);
        long size = dtype.SizeInBytes();
        GpuBuffer cols = ScratchBuffer(Scratch.Columns, (long)k * group * pixels * size);
        GpuBuffer product = ScratchBuffer(Scratch.Product, (long)o * group * pixels * size);
        for (int n0 = 0; n0 < g.Batch; n0 += group)
        {
            int images = Math.Min(group, g.Batch - n0), width = images * pixels;
            Im2Col(dtype, x, n0, images, g, cols);
            Gemm(dtype, o, width, k, B(kernel), 0, k, false, B(cols), 0, width, false, B(product), 0, width, 0);
            LaunchItems(dtype, "scatter_images", (long)images * o * pixels,
                B(product), bias == null ? B(product) : B(bias), I(bias == null ? 0 : 1),
                B(y), I((long)n0 * o * pixels), I(images), I(o), I(pixels));
        }
        // The GPU keeps the activation as its own kernel: one more pass, but over device memory at full bandwidth.
        if (relu) ReluForward(y, y);
    }

    /// <summary>
    /// dBias: per-channel sums of dy. Per group of images: dy gathered to [O, images*OH*OW],
    /// dKernel (+)= dY · colsᵀ, and for dx: dcols = Wᵀ · dY, then col2im.
    /// </summary>
    public override void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null)
    {
        if (reluOutput != null) ReluBackward(reluOutput, dy, dy);
        DType dtype = Real(x);
        int k = g.PatchSize, pixels = g.OutPixels, o = g.OutChannels, group = ImagesPerGroup(g);
        long size = dtype.SizeInBytes();
        if (dBias != null) LaunchGroups(dtype, "channel_sum", o, B(dy), B(dBias), I(g.Batch), I(o), I(pixels));
        if (g.Batch == 0)
        {
            Fill(dKernel, 0);
            return;
        }
        GpuBuffer cols = ScratchBuffer(Scratch.Columns, (long)k * group * pixels * size);
        GpuBuffer gathered = ScratchBuffer(Scratch.Product, (long)o * group * pixels * size);
        for (int n0 = 0; n0 < g.Batch; n0 += group)
        {
            int images = Math.Min(group, g.Batch - n0), width = images * pixels;
            LaunchItems(dtype, "gather_images", (long)images * o * pixels,
                B(dy), I((long)n0 * o * pixels), I(images), I(o), I(pixels), B(gathered));
            Im2Col(dtype, x, n0, images, g, cols);
            // The first group overwrites dKernel, later ones accumulate into it.
            Gemm(dtype, o, k, width, B(gathered), 0, width, false, B(cols), 0, width, true, B(dKernel), 0, k, n0 == 0 ? 0 : 1);
            if (dx == null) continue;
            Gemm(dtype, k, width, o, B(kernel), 0, k, true, B(gathered), 0, width, false, B(cols), 0, width, 0);
            LaunchItems(dtype, "col2im", (long)images * g.InChannels * g.InPixels,
                [B(cols), I(images), .. Geometry(g), B(dx), I((long)n0 * g.InChannels * g.InPixels)]);
        }
    }

    // ---- batch normalisation ---------------------------------------------------------------

    private static (int N, int C, int S) ChannelView(Tensor x) => (x.Dim(0), x.Dim(1), (int)(x.Length / ((long)x.Dim(0) * x.Dim(1))));

    /// <inheritdoc/>
    public override void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false)
    {
        DType dtype = Real(x);
        var (n, c, s) = ChannelView(x);
        LaunchGroups(dtype, "batchnorm_training", c, B(x), B(gamma), B(beta), B(movingMean), B(movingVariance),
            R(dtype, momentum), R(dtype, epsilon), B(y), B(batchMean), B(batchInvStd), I(n), I(c), I(s));
        if (relu) ReluForward(y, y);
    }

    /// <inheritdoc/>
    public override void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance, double epsilon, Tensor y,
        bool relu = false)
    {
        DType dtype = Real(x);
        var (_, c, s) = ChannelView(x);
        LaunchItems(dtype, "batchnorm_inference", x.Length, B(x), B(gamma), B(beta), B(movingMean), B(movingVariance),
            R(dtype, epsilon), B(y), I(c), I(s), I(x.Length));
        if (relu) ReluForward(y, y);
    }

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd, Tensor dx, Tensor dGamma, Tensor dBeta,
        Tensor? reluOutput = null)
    {
        if (reluOutput != null) ReluBackward(reluOutput, dy, dy);
        DType dtype = Real(x);
        var (n, c, s) = ChannelView(x);
        LaunchGroups(dtype, "batchnorm_backward", c, B(x), B(dy), B(gamma), B(batchMean), B(batchInvStd),
            B(dx), B(dGamma), B(dBeta), I(n), I(c), I(s));
    }

    // ---- pooling, activations, dropout -----------------------------------------------------

    private static KernelArg[] Geometry(in Pool2DGeometry g) =>
    [
        I(g.Batch * g.Channels), I(g.InHeight), I(g.InWidth), I(g.PoolHeight), I(g.PoolWidth),
        I(g.StrideHeight), I(g.StrideWidth), I(g.OutHeight), I(g.OutWidth),
    ];

    /// <inheritdoc/>
    public override void MaxPoolForward(Tensor x, Tensor y, Tensor argmax, in Pool2DGeometry g) =>
        LaunchItems(Real(x), "maxpool_forward", y.Length, [B(x), B(y), B(argmax), .. Geometry(g)]);

    /// <inheritdoc/>
    public override void MaxPoolBackward(Tensor dy, Tensor argmax, Tensor dx, in Pool2DGeometry g) =>
        LaunchItems(Real(dy), "maxpool_backward", dx.Length, [B(dy), B(argmax), B(dx), .. Geometry(g)]);

    /// <inheritdoc/>
    public override void ReluForward(Tensor x, Tensor y) =>
        LaunchItems(Real(x), "relu_forward", x.Length, B(x), B(y), I(x.Length));

    /// <inheritdoc/>
    public override void ReluBackward(Tensor y, Tensor dy, Tensor dx) =>
        LaunchItems(Real(y), "relu_backward", y.Length, B(y), B(dy), B(dx), I(y.Length));

    /// <inheritdoc/>
    public override void SoftmaxForward(Tensor x, Tensor y) =>
        LaunchItems(Real(x), "softmax_forward", x.Dim(0), B(x), B(y), I(x.Dim(0)), I(x.Dim(1)));

    /// <inheritdoc/>
    public override void SoftmaxBackward(Tensor y, Tensor dy, Tensor dx) =>
        LaunchItems(Real(y), "softmax_backward", y.Dim(0), B(y), B(dy), B(dx), I(y.Dim(0)), I(y.Dim(1)));

    /// <inheritdoc/>
    public override void DropoutForward(Tensor x, Tensor y, Tensor mask, double rate, ulong seed, ulong step, uint layerId)
    {
        DType dtype = Real(x);
        // Same conversions as the CPU kernel: the threshold compared in float, the keep scale rounded once from double.
        LaunchItems(dtype, "dropout_forward", (x.Length + 3) / 4, B(x), B(y), B(mask), I(x.Length),
            KernelArg.Float((float)rate), R(dtype, 1.0 / (1.0 - rate)),
            KernelArg.UInt((uint)seed), KernelArg.UInt((uint)(seed >> 32)), KernelArg.UInt((uint)step), KernelArg.UInt(layerId));
    }

    /// <inheritdoc/>
    public override void DropoutBackward(Tensor dy, Tensor mask, Tensor dx) =>
        LaunchItems(Real(dy), "multiply", dy.Length, B(dy), B(mask), B(dx), I(dy.Length));

    // ---- loss and optimizers ---------------------------------------------------------------

    /// <inheritdoc/>
    public override LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null)
    {
        CheckCrossEntropyArguments(logits, labels, classWeight);
        DType dtype = Real(logits);
        int n = logits.Dim(0), k = logits.Dim(1);
        if (n == 0) return new LossResult(0, 0);
        int size = dtype.SizeInBytes();
        GpuBuffer rowLoss = ScratchBuffer(Scratch.LossRows, (long)n * size);
        GpuBuffer rowHit = ScratchBuffer(Scratch.LossHits, (long)n * sizeof(int));
        GpuBuffer total = ScratchBuffer(Scratch.LossTotal, 3L * size);
        // Absent optional tensors are passed as a buffer the kernel never reads, with their flag cleared.
        LaunchItems(dtype, "cross_entropy_rows", n, B(logits), B(labels), dLogits == null ? B(rowLoss) : B(dLogits),
            I(dLogits == null ? 0 : 1), classWeight == null ? B(logits) : B(classWeight), I(classWeight == null ? 0 : 1),
            B(rowLoss), B(rowHit), I(n), I(k));
        LaunchGroups(dtype, "cross_entropy_total", 1, B(rowLoss), B(rowHit), I(n), B(total));

        // The step's one host round trip: loss sum, hit count, bad-label count.
        Span<double> result = stackalloc double[3];
        ReadAsDoubles(total, dtype, result);
        if (result[2] > 0) ThrowBadLabel(labels, k);
        return new LossResult(result[0] / n, (int)Math.Round(result[1]));
    }

    /// <summary>Reads the first destination.Length elements of a small float32 or float64 buffer into doubles
    /// (a blocking read: only for the few per-step scalars the host needs).</summary>
    private void ReadAsDoubles(GpuBuffer buffer, DType dtype, Span<double> destination)
    {
        if (dtype == DType.Float64)
        {
            fixed (double* d = destination) _backend.Read(buffer.Handle, 0, d, destination.Length * (long)sizeof(double));
            return;
        }
        Span<float> single = stackalloc float[destination.Length];
        fixed (float* s = single) _backend.Read(buffer.Handle, 0, s, destination.Length * (long)sizeof(float));
        for (int i = 0; i < destination.Length; i++) destination[i] = single[i];
    }

    /// <summary>Rare error path: reads the labels back to name the first one outside [0, K), as the CPU does.</summary>
    private void ThrowBadLabel(Tensor labels, int k)
    {
        var host = new int[labels.Length];
        Download<int>(labels, host);
        int sample = Array.FindIndex(host, label => (uint)label >= (uint)k);
        throw new ArgumentException($"label {host[sample]} of sample {sample} is outside [0, {k})");
    }

    /// <inheritdoc/>
    public override void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov)
    {
        DType dtype = Real(parameter);
        LaunchItems(dtype, "sgd_update", parameter.Length, B(parameter), B(gradient),
            velocity == null ? B(parameter) : B(velocity), I(velocity == null ? 0 : 1), I(parameter.Length),
            R(dtype, learningRate), R(dtype, momentum), I(nesterov ? 1 : 0));
    }

    /// <inheritdoc/>
    public override void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v,
        double learningRate, double beta1, double beta2, double epsilon, long t)
    {
        DType dtype = Real(parameter);
        // Keras' bias corrections folded into the step size, rounded like the CPU kernel does in its element type.
        double alpha = dtype == DType.Float64
            ? learningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t))
            : (float)learningRate * MathF.Sqrt(1f - MathF.Pow((float)beta2, t)) / (1f - MathF.Pow((float)beta1, t));
        LaunchItems(dtype, "adam_update", parameter.Length, B(parameter), B(gradient), B(m), B(v), I(parameter.Length),
            R(dtype, alpha), R(dtype, beta1), R(dtype, beta2), R(dtype, epsilon));
    }

    // ---- lifetime --------------------------------------------------------------------------

    /// <inheritdoc/>
    public override void Synchronize() => _backend.Finish();

    /// <summary>Frees scratch memory and compiled programs, then the context/queue. Tensors must be disposed first.</summary>
    public override void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            foreach (GpuBuffer? buffer in _scratch) buffer?.Dispose();
            foreach (CompiledProgram program in _programs.Values) _backend.ReleaseProgram(program.Handle, program.Kernels.Values);
            _programs.Clear();
            _backend.Dispose();
        }
        base.Dispose();
    }
}
