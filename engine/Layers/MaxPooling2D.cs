using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// Keras MaxPooling2D with 'valid' padding: input [N, C, H, W], output [N, C, OH, OW],
/// OH = floor((H - pool) / stride) + 1; stride defaults to the pool size.
/// y = max over each window; backward routes dy to the arg-max pixel of each window.
/// Source: keras.io/api/layers/pooling_layers/max_pooling2d.
/// </summary>
public sealed class MaxPooling2D : Layer
{
    private Pool2DGeometry _geometry;
    private Tensor? _output, _argmax, _inputGradient;

    /// <summary>Creates the layer with a square window, Keras style: <c>new MaxPooling2D(2)</c>.</summary>
    /// <param name="poolSize">Window height and width, pixels.</param>
    /// <param name="strides">Step between windows, pixels; null for the pool size.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one (max_pooling2d_1, ...).</param>
    public MaxPooling2D(int poolSize = 2, int? strides = null, string? name = null)
        : this((poolSize, poolSize), strides is int s ? (s, s) : null, name) { }

    /// <summary>Creates the layer with a rectangular window.</summary>
    /// <param name="poolSize">Window (height, width), pixels.</param>
    /// <param name="strides">(vertical, horizontal) step, pixels; null for the pool size.</param>
    /// <param name="name">The layer's name, or null for Keras' automatic one.</param>
    public MaxPooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, string? name = null) : base(name)
    {
        PoolSize = poolSize;
        Strides = strides ?? poolSize;
    }

    /// <summary>Window height and width.</summary>
    public (int Height, int Width) PoolSize { get; }
    /// <summary>Step between windows.</summary>
    public (int Height, int Width) Strides { get; }

    /// <inheritdoc/>
    public override string TypeName => "MaxPooling2D";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, object?> Config => new Dictionary<string, object?>
    {
        ["pool_size"] = new[] { PoolSize.Height, PoolSize.Width }, ["strides"] = new[] { Strides.Height, Strides.Width },
    };

    /// <inheritdoc/>
    protected override int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init)
    {
        if (inputShape.Length != 3)
            throw new ArgumentException($"layer {Name} (MaxPooling2D) needs [C, H, W] inputs, got [{string.Join(", ", inputShape)}]");
        try
        {
            _geometry = Pool2DGeometry.Create(0, inputShape[0], inputShape[1], inputShape[2],
                PoolSize.Height, PoolSize.Width, Strides.Height, Strides.Width);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"layer {Name}: {e.Message}", e);
        }
        return [inputShape[0], _geometry.OutHeight, _geometry.OutWidth];
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x, in ForwardContext context)
    {
        CheckInput(x);
        var y = Reuse(ref _output, x.Dim(0), OutputShape);
        var argmax = Reuse(ref _argmax, x.Dim(0), OutputShape, DType.Int32);
        Device.MaxPoolForward(x, y, argmax, _geometry.WithBatch(x.Dim(0)));
        return y;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor dy, bool needInputGradient)
    {
        if (_argmax == null) throw new InvalidOperationException($"layer {Name}: Backward before Forward");
        if (!needInputGradient) return null;
        var dx = Reuse(ref _inputGradient, dy.Dim(0), InputShape);
        Device.MaxPoolBackward(dy, _argmax, dx, _geometry.WithBatch(dy.Dim(0)));
        return dx;
    }
}
