using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras Dropout (Srivastava et al. 2014), inverted: while training each element is zeroed
/// with probability rate and the survivors are scaled by 1/(1 - rate), so inference is the
/// identity. Any input shape. The mask is keyed by (run seed, step, layer index): the same
/// on every backend and for every thread count. Backward: dx = dy ⊙ mask.
/// Source: keras.io/api/layers/regularization_layers/dropout.
/// </summary>
public sealed class Dropout : Layer
{
    private Tensor? _output, _mask;
    private bool _dropped;

    /// <summary>Creates the layer, Keras style: <c>new Dropout(0.25)</c>.</summary>
    /// <param name="rate">Probability of dropping an element while training, in [0, 1).</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (dropout_1, ...).</param>
    /// <exception cref="ArgumentException">rate outside [0, 1).</exception>
    public Dropout(double rate, string? name = null) : base(name)
    {
        if (rate < 0 || rate >= 1) throw new ArgumentException($"{Label("Dropout", name)}: rate must be in [0, 1), got {rate}");
        Rate = rate;
    }

    /// <summary>Probability of dropping an element.</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public override string TypeName => "Dropout";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?> { ["rate"] = Rate };

    /// <inheritdoc/>
    public override string? Details => $"rate {Rate:0.###}";

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        _dropped = context.Training && Rate > 0;
        if (!_dropped) return x;
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        var mask = Reuse(ref _mask, x.Dim(0), OutputShape);
        Device.DropoutForward(x, y, mask, Rate, context.Seed, context.Step, (uint)Index);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        if (!needInputGradient) return null;
        if (_dropped) Device.DropoutBackward(dy, _mask!, dy);
        return dy;
    }
}
