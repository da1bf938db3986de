using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras Conv2D: y = f(x ⋆ kernel + bias), input [N, C, H, W] float, output [N, filters, OH, OW].
/// kernel [filters, C, KH, KW] (OIHW; Keras stores HWIO), glorot_uniform; bias [filters], zeros.
/// Forward: y[n,o,i,j] = b[o] + Σ_{c,p,q} k[o,c,p,q] x[n, c, i·sh + p - pt, j·sw + q - pl].
/// Backward: ∂L/∂k[o,c,p,q] = Σ_{n,i,j} dz[n,o,i,j] x[n, c, i·sh+p-pt, j·sw+q-pl];
/// ∂L/∂b[o] = Σ dz[n,o,·,·]; ∂L/∂x = the transposed convolution of dz, where dz = f'(·) ⊙ dy.
/// With a <see cref="KernelRegularizer"/> l2(λ) the loss gains λ·Σ k² and ∂L/∂k gains 2λ·k.
/// Source: keras.io/api/layers/convolution_layers/convolution2d.
/// </summary>
public sealed class Conv2D : Layer, IKernelRegularizable
{
    private Parameter _kernel = null!;
    private Parameter? _bias;
    private Conv2DGeometry _geometry;
    private Tensor? _input, _output, _inputGradient;

    /// <summary>
    /// Creates the layer, Keras style: <c>new Conv2D(32, 3, padding: Padding.Same, activation: ActivationFunction.Relu)</c>
    /// is Keras' <c>Conv2D(32, 3, padding="same", activation="relu")</c>, a square kernel and stride.
    /// </summary>
    /// <param name="filters">Output channels O.</param>
    /// <param name="kernelSize">Kernel height and width, pixels.</param>
    /// <param name="strides">Vertical and horizontal step, pixels.</param>
    /// <param name="padding">'valid' (no padding) or 'same' (output size ceil(input / stride), the odd pixel padded bottom/right).</param>
    /// <param name="activation">Applied to the output (Keras' default: linear).</param>
    /// <param name="useBias">Whether the layer adds a bias per filter.</param>
    /// <param name="kernelRegularizer">Keras' kernel_regularizer, or null for none.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (conv2d_1, ...) given by <see cref="Models.Sequential.Add"/>.</param>
    /// <exception cref="ArgumentException">filters, kernel size or strides not positive.</exception>
    public Conv2D(int filters, int kernelSize, int strides = 1, Padding padding = Padding.Valid,
        ActivationFunction activation = ActivationFunction.Linear, bool useBias = true, L2Regularizer? kernelRegularizer = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, activation, useBias, kernelRegularizer, name) { }

    /// <summary>Creates the layer with a rectangular kernel and stride (Keras' <c>kernel_size=(3, 2)</c>, <c>strides=(2, 1)</c>).</summary>
    /// <param name="filters">Output channels O.</param>
    /// <param name="kernelSize">Kernel (height, width), pixels.</param>
    /// <param name="strides">(vertical, horizontal) step, pixels; null for (1, 1).</param>
    /// <param name="padding">'valid' or 'same' (the odd pixel padded bottom/right, as Keras does).</param>
    /// <param name="activation">Applied to the output (Keras' default: linear).</param>
    /// <param name="useBias">Whether the layer adds a bias per filter.</param>
    /// <param name="kernelRegularizer">Keras' kernel_regularizer, or null for none.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one.</param>
    /// <exception cref="ArgumentException">filters, kernel size or strides not positive.</exception>
    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Height, int Width)? strides = null, Padding padding = Padding.Valid,
        ActivationFunction activation = ActivationFunction.Linear, bool useBias = true, L2Regularizer? kernelRegularizer = null, string? name = null)
        : base(name)
    {
        var step = strides ?? (1, 1);
        if (filters <= 0 || kernelSize.Height <= 0 || kernelSize.Width <= 0 || step.Height <= 0 || step.Width <= 0)
            throw new ArgumentException($"{Label("Conv2D", name)}: filters ({filters}), kernel_size ({kernelSize.Height}x{kernelSize.Width}) and strides ({step.Height}x{step.Width}) must be positive");
        Filters = filters;
        KernelSize = kernelSize;
        Strides = step;
        Padding = padding;
        Activation = activation;
        UseBias = useBias;
        KernelRegularizer = kernelRegularizer;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel height and width, pixels.</summary>
    public (int Height, int Width) KernelSize { get; }
    /// <summary>Vertical and horizontal stride, pixels.</summary>
    public (int Height, int Width) Strides { get; }
    /// <summary>'valid' or 'same'.</summary>
    public Padding Padding { get; }
    /// <summary>Activation applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether the layer adds a bias.</summary>
    public bool UseBias { get; }
    /// <inheritdoc/>
    public L2Regularizer? KernelRegularizer { get; set; }

    /// <inheritdoc/>
    public override string TypeName => "Conv2D";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?>
    {
        ["filters"] = Filters,
        ["kernel_size"] = new[] { KernelSize.Height, KernelSize.Width },
        ["strides"] = new[] { Strides.Height, Strides.Width },
        ["padding"] = Padding.KerasName(),
        ["activation"] = Activation.KerasName(),
        ["use_bias"] = UseBias,
        ["kernel_regularizer"] = KernelRegularizer?.Config,
    };

    /// <summary>
    /// Zero rows and columns added around the input, pixels: top and left as the convolution reads
    /// them, bottom and right as many as the last window needs ('same' puts the odd one bottom/right,
    /// as Keras does; 'valid' pads nothing). ONNX's Conv <c>pads</c> are [top, left, bottom, right].
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is not built (the padding depends on the input size).</exception>
    public (int Top, int Left, int Bottom, int Right) Pads => IsBuilt
        ? (_geometry.PadTop, _geometry.PadLeft,
           Math.Max(0, (_geometry.OutHeight - 1) * Strides.Height + KernelSize.Height - _geometry.InHeight - _geometry.PadTop),
           Math.Max(0, (_geometry.OutWidth - 1) * Strides.Width + KernelSize.Width - _geometry.InWidth - _geometry.PadLeft))
        : throw new InvalidOperationException($"layer {Name} is not built");

    /// <summary>A ReLU is applied inside the convolution (see <see cref="Device.Conv2DForward"/>) rather than as a pass of its own.</summary>
    private bool FusesRelu => Activation == ActivationFunction.Relu || AbsorbsRelu;

    /// <summary>Set by the model when a linear Conv2D is followed by an Activation("relu") layer: that ReLU is applied
    /// here, fused (see <see cref="ActivationLayer.AbsorbedByPrevious"/>).</summary>
    internal bool AbsorbsRelu { get; set; }

    /// <inheritdoc/>
    public override string? Details => Activation == ActivationFunction.Linear ? null : Activation.KerasName();

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init)
    {
        if (inputShape.Length != 3)
            throw new ArgumentException($"layer {Name} (Conv2D) needs [C, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        _geometry = Conv2DGeometry.Create(0, inputShape[0], inputShape[1], inputShape[2], Filters,
            KernelSize.Height, KernelSize.Width, Strides.Height, Strides.Width, Padding);
        int kh = KernelSize.Height, kw = KernelSize.Width;
        _kernel = AddParameter("kernel", [Filters, inputShape[0], kh, kw], trainable: true);
        init.GlorotUniform(Device, _kernel.Value, inputShape[0] * kh * kw, Filters * kh * kw);
        if (UseBias)
        {
            _bias = AddParameter("bias", [Filters], trainable: true);
            Initializers.WeightInitializer.Constant(Device, _bias.Value, 0);
        }
        int[] output = [Filters, _geometry.OutHeight, _geometry.OutWidth];
        Activation.Validate(Name, output);
        return output;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        _input = x;
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        Device.Conv2DForward(x, _kernel.Value, _bias?.Value, y, _geometry.WithBatch(x.Dim(0)), relu: FusesRelu);
        if (!FusesRelu) Activation.ApplyInPlace(Device, y);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        var x = _input ?? throw new InvalidOperationException($"layer {Name}: Backward before Forward");
        if (!FusesRelu) Activation.BackwardInPlace(Device, _output!, dy);
        var dx = needInputGradient ? Reuse(ref _inputGradient, x.Dim(0), InputShape) : null;
        Device.Conv2DBackward(x, _kernel.Value, dy, dx, _kernel.Gradient!, _bias?.Gradient, _geometry.WithBatch(x.Dim(0)),
            reluOutput: FusesRelu ? _output : null);
        KernelRegularizer?.AddGradient(_kernel.Value, _kernel.Gradient!);
        return dx;
    }

    /// <inheritdoc/>
    public override double RegularizationLoss() => KernelRegularizer?.Penalty(_kernel.Value) ?? 0;
}
