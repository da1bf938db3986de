using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras Dense: y = f(x · kernel + bias), input [N, F] float, output [N, units];
/// kernel [F, units] (Keras layout), glorot_uniform; bias [units], zeros.
/// Backward with dz = f'(·) ⊙ dy: ∂L/∂kernel = xᵀ dz; ∂L/∂bias = Σ_n dz[n, :]; ∂L/∂x = dz kernelᵀ.
/// With a <see cref="KernelRegularizer"/> l2(λ) the loss gains λ·Σ kernel² and ∂L/∂kernel gains 2λ·kernel.
/// Source: keras.io/api/layers/core_layers/dense.
/// </summary>
public sealed class Dense : Layer, IKernelRegularizable
{
    private Parameter _kernel = null!;
    private Parameter? _bias;
    private Tensor? _input, _output, _inputGradient;

    /// <summary>Creates the layer, Keras style: <c>new Dense(512, ActivationFunction.Relu)</c> is Keras' <c>Dense(512, activation="relu")</c>.</summary>
    /// <param name="units">Output features.</param>
    /// <param name="activation">Applied to the output (Keras' default: linear).</param>
    /// <param name="useBias">Whether the layer adds a bias per unit.</param>
    /// <param name="kernelRegularizer">Keras' kernel_regularizer, or null for none.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (dense_1, ...) given by <see cref="Models.Sequential.Add"/>.</param>
    /// <exception cref="ArgumentException">units not positive.</exception>
    public Dense(int units, ActivationFunction activation = ActivationFunction.Linear, bool useBias = true, L2Regularizer? kernelRegularizer = null,
        string? name = null) : base(name)
    {
        if (units <= 0) throw new ArgumentException($"{Label("Dense", name)}: units must be positive, got {units}");
        Units = units;
        Activation = activation;
        UseBias = useBias;
        KernelRegularizer = kernelRegularizer;
    }

    /// <summary>Output features.</summary>
    public int Units { get; }
    /// <summary>Activation applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether the layer adds a bias.</summary>
    public bool UseBias { get; }
    /// <inheritdoc/>
    public L2Regularizer? KernelRegularizer { get; set; }

    /// <summary>
    /// Set by the model on its last layer: a softmax activation is left out of Forward and
    /// Backward so the loss can fuse it with cross-entropy from logits (numerically stable);
    /// the model applies it when predicting.
    /// </summary>
    internal bool EmitLogits { get; set; }

    private ActivationFunction Applied => EmitLogits && Activation == ActivationFunction.Softmax ? ActivationFunction.Linear : Activation;

    /// <inheritdoc/>
    public override string TypeName => "Dense";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?>
    {
        ["units"] = Units, ["activation"] = Activation.KerasName(), ["use_bias"] = UseBias, ["kernel_regularizer"] = KernelRegularizer?.Config,
    };

    /// <inheritdoc/>
    public override string? Details => Activation == ActivationFunction.Linear ? null : Activation.KerasName();

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init)
    {
        if (inputShape.Length != 1)
            throw new ArgumentException($"layer {Name} (Dense) needs [F] inputs (add a Flatten layer first), got [{string.Join(", ", inputShape)}]");
        _kernel = AddParameter("kernel", [inputShape[0], Units], trainable: true);
        init.GlorotUniform(Device, _kernel.Value, inputShape[0], Units);
        if (UseBias)
        {
            _bias = AddParameter("bias", [Units], trainable: true);
            Initializers.WeightInitializer.Constant(Device, _bias.Value, 0);
        }
        return [Units];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        _input = x;
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        Device.MatMul(x, false, _kernel.Value, false, y, beta: 0);
        if (_bias != null) Device.AddRowBias(y, _bias.Value);
        Applied.ApplyInPlace(Device, y);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        var x = _input ?? throw new InvalidOperationException($"layer {Name}: Backward before Forward");
        Applied.BackwardInPlace(Device, _output!, dy);
        Device.MatMul(x, true, dy, false, _kernel.Gradient!, beta: 0);
        KernelRegularizer?.AddGradient(_kernel.Value, _kernel.Gradient!);
        if (_bias != null) Device.SumRows(dy, _bias.Gradient!);
        if (!needInputGradient) return null;
        var dx = Reuse(ref _inputGradient, x.Dim(0), InputShape);
        Device.MatMul(dy, false, _kernel.Value, true, dx, beta: 0);
        return dx;
    }

    /// <inheritdoc/>
    public override double RegularizationLoss() => KernelRegularizer?.Penalty(_kernel.Value) ?? 0;
}
