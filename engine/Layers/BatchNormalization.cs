using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras BatchNormalization (Ioffe and Szegedy 2015) over the channel axis: input [N, C, H, W]
/// (statistics per channel over N·H·W) or [N, F] (per feature over N); output the same shape.
/// Parameters: gamma (ones) and beta (zeros), trainable; moving_mean (zeros) and
/// moving_variance (ones), non-trainable, so Keras counts 4·C parameters, 2·C non-trainable.
/// Training uses the batch mean and biased variance and updates the moving averages with
/// momentum 0.99; inference uses the moving averages. ε = 1e-3 (Keras defaults).
/// Equations: <see cref="Devices.Device.BatchNormTraining"/>, <see cref="Devices.Device.BatchNormBackward"/>.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Parameter _gamma = null!, _beta = null!, _movingMean = null!, _movingVariance = null!;
    private Tensor? _input, _output, _inputGradient, _batchMean, _batchInvStd;

    /// <summary>Creates the layer with Keras' defaults unless given.</summary>
    /// <param name="momentum">Weight of the old value in the moving averages, in [0, 1).</param>
    /// <param name="epsilon">Added to the variance before the square root, &gt; 0.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (batch_normalization_1, ...).</param>
    /// <exception cref="ArgumentException">momentum outside [0, 1) or epsilon not positive.</exception>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3, string? name = null) : base(name)
    {
        if (momentum < 0 || momentum >= 1) throw new ArgumentException($"{Label("BatchNormalization", name)}: momentum must be in [0, 1), got {momentum}");
        if (epsilon <= 0) throw new ArgumentException($"{Label("BatchNormalization", name)}: epsilon must be positive, got {epsilon}");
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Weight of the old value in the moving averages.</summary>
    public double Momentum { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override string TypeName => "BatchNormalization";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?> { ["momentum"] = Momentum, ["epsilon"] = Epsilon };

    /// <summary>Set by the model when an Activation("relu") layer follows: that ReLU is applied here, fused (see
    /// <see cref="ActivationLayer.AbsorbedByPrevious"/>).</summary>
    internal bool AbsorbsRelu { get; set; }

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init)
    {
        if (inputShape.Length is not (1 or 3))
            throw new ArgumentException($"layer {Name} (BatchNormalization) needs [C, H, W] or [F] inputs, got [{string.Join(", ", inputShape)}]");
        int c = inputShape[0];
        _gamma = AddParameter("gamma", [c], trainable: true);
        _beta = AddParameter("beta", [c], trainable: true);
        _movingMean = AddParameter("moving_mean", [c], trainable: false);
        _movingVariance = AddParameter("moving_variance", [c], trainable: false);
        Initializers.WeightInitializer.Constant(Device, _gamma.Value, 1);
        Initializers.WeightInitializer.Constant(Device, _beta.Value, 0);
        Initializers.WeightInitializer.Constant(Device, _movingMean.Value, 0);
        Initializers.WeightInitializer.Constant(Device, _movingVariance.Value, 1);
        _batchMean = AllocateOwned(c);
        _batchInvStd = AllocateOwned(c);
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        _input = x;
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        if (context.Training)
            Device.BatchNormTraining(x, _gamma.Value, _beta.Value, _movingMean.Value, _movingVariance.Value,
                Momentum, Epsilon, y, _batchMean!, _batchInvStd!, AbsorbsRelu);
        else
            Device.BatchNormInference(x, _gamma.Value, _beta.Value, _movingMean.Value, _movingVariance.Value, Epsilon, y, AbsorbsRelu);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        var x = _input ?? throw new InvalidOperationException($"layer {Name}: Backward before Forward");
        // The input gradient is needed to get the parameter gradients anyway (they share the sums).
        var dx = Reuse(ref _inputGradient, x.Dim(0), InputShape);
        Device.BatchNormBackward(x, dy, _gamma.Value, _batchMean!, _batchInvStd!, dx, _gamma.Gradient!, _beta.Gradient!,
            AbsorbsRelu ? _output : null);
        return needInputGradient ? dx : null;
    }
}
