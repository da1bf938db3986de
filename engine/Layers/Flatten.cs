using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras Flatten: [N, C, H, W] → [N, C·H·W] without copying (a view). Note the order is
/// C, H, W (NCHW), where Keras flattens H, W, C: the parameter counts are the same, but Dense
/// weights imported from Keras would need their rows permuted.
/// </summary>
public sealed class Flatten : Layer
{
    private Tensor? _view, _viewSource, _gradientView, _gradientSource;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name, or null for Keras' automatic one (flatten_1, ...).</param>
    public Flatten(string? name = null) : base(name) { }

    /// <inheritdoc/>
    public override string TypeName => "Flatten";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?>();

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init) => [checked((int)Tensor.CheckedLength(inputShape))];

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        return ViewOf(x, [x.Dim(0), .. OutputShape], ref _view, ref _viewSource);
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient) =>
        needInputGradient ? ViewOf(dy, [dy.Dim(0), .. InputShape], ref _gradientView, ref _gradientSource) : null;

    // The upstream tensors are reused across steps, so one view per source tensor suffices.
    private Tensor ViewOf(Tensor source, int[] shape, ref Tensor? view, ref Tensor? viewSource)
    {
        if (view == null || !ReferenceEquals(viewSource, source))
        {
            view?.Dispose();
            view = Device.View(source, shape);
            viewSource = source;
        }
        return view;
    }
}
