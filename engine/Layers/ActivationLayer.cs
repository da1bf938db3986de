using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras Activation layer: y = f(x) element-wise (relu) or row-wise (softmax on [N, K]).
/// Backward: relu dx = dy ⊙ [y &gt; 0]; softmax dx = y ⊙ (dy - Σ_k dy_k y_k).
/// Source: keras.io/api/layers/core_layers/activation.
/// </summary>
public sealed class ActivationLayer : Layer
{
    private Tensor? _output;

    /// <summary>Creates the layer, Keras' <c>Activation("relu")</c>: <c>new ActivationLayer(ActivationFunction.Relu)</c>.</summary>
    /// <param name="function">The function applied.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (activation_1, ...).</param>
    public ActivationLayer(ActivationFunction function, string? name = null) : base(name) => Function = function;

    /// <summary>The function applied.</summary>
    public ActivationFunction Function { get; }

    /// <summary>Set by the model when this is its final softmax: the layer passes logits through (see <see cref="Dense.EmitLogits"/>).</summary>
    internal bool EmitLogits { get; set; }

    /// <summary>
    /// Set by the model when the layer before is a linear Conv2D or a BatchNormalization: that layer applies this ReLU
    /// as it writes its output (see <see cref="Conv2D.AbsorbsRelu"/>, <see cref="BatchNormalization.AbsorbsRelu"/>) and
    /// also folds in its gradient, so this layer passes both directions through untouched.
    /// </summary>
    internal bool AbsorbedByPrevious { get; set; }

    private ActivationFunction Applied => AbsorbedByPrevious ? ActivationFunction.Linear : EmitLogits && Function == ActivationFunction.Softmax ? ActivationFunction.Linear : Function;

    /// <inheritdoc/>
    public override string TypeName => "Activation";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?> { ["activation"] = Function.KerasName() };

    /// <inheritdoc/>
    public override string? Details => Function.KerasName();

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init)
    {
        Function.Validate(Name, inputShape);
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        if (Applied == ActivationFunction.Linear) return _output = x;
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        Applied.Apply(Device, x, y);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        if (_output == null) throw new InvalidOperationException($"layer {Name}: Backward before Forward");
        Applied.BackwardInPlace(Device, _output, dy);
        return needInputGradient ? dy : null;
    }
}
