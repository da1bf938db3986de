using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Models;

/// <summary>
/// A stack of layers run in order (Keras Sequential). Built in code, Keras style:
/// <code>
/// using var model = new Sequential(inputShape: (48, 48, 1), classes)
///     .Add(new Conv2D(32, 3, padding: Padding.Same)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
///     .Add(new MaxPooling2D(2)).Add(new Flatten()).Add(new Dense(classes.Count, ActivationFunction.Softmax))
///     .Build(device, seed: 1);
/// </code>
/// or from an architecture file with <see cref="Build(ArchitectureSpec, Device, DType, ulong)"/>; the two give the
/// same layer names and, for the same seed, the same weights. Input [N, C, H, W] float in [0, 1];
/// <see cref="ForwardLogits"/> returns logits [N, classes] (a final softmax is left to the loss, which
/// fuses it with cross-entropy); <see cref="Predict"/> returns probabilities.
/// </summary>
public sealed class Sequential : IDisposable
{
    private readonly List<Layer> _layers = [];
    private readonly Dictionary<string, int> _typeCounts = [];
    private readonly int[] _inputShapeHwc;
    private readonly string[] _classes;
    private ArchitectureSpec? _spec;
    private Device? _device;
    private Tensor? _probabilities;

    /// <summary>Starts an empty model, Keras' <c>Sequential(name=...)</c> with an <c>Input(shape=(H, W, C))</c>.</summary>
    /// <param name="inputShape">Per-image input size in Keras order: height and width in pixels, channels (1 for grayscale).</param>
    /// <param name="classes">Class names in label order; the last layer must output this many values.</param>
    /// <param name="name">Model name, shown by the summary and stored in checkpoints.</param>
    /// <exception cref="ArgumentException">A size is not positive, fewer than two classes, or the name is empty.</exception>
    public Sequential((int Height, int Width, int Channels) inputShape, IReadOnlyList<string> classes, string name = "sequential")
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (inputShape.Height <= 0 || inputShape.Width <= 0 || inputShape.Channels <= 0)
            throw new ArgumentException($"inputShape must be positive (height, width, channels), got {inputShape}", nameof(inputShape));
        if (classes.Count < 2) throw new ArgumentException($"a classifier needs at least two classes, got {classes.Count}", nameof(classes));
        Name = name;
        _inputShapeHwc = [inputShape.Height, inputShape.Width, inputShape.Channels];
        _classes = [.. classes];
    }

    private Sequential(ArchitectureSpec spec) : this((spec.InputShapeHwc[0], spec.InputShapeHwc[1], spec.InputShapeHwc[2]), spec.Classes, spec.Name) =>
        _spec = spec;

    /// <summary>Model name (e.g. seed001-shallow).</summary>
    public string Name { get; }
    /// <summary>The architecture: the file it was built from, or, for a model built in code, the file
    /// <see cref="ArchitectureSpec.FromLayers"/> writes for it (available once built).</summary>
    /// <exception cref="InvalidOperationException">A model built in code before <see cref="Build(Device, DType, ulong)"/>.</exception>
    public ArchitectureSpec Spec => _spec ?? throw NotBuilt();
    /// <summary>Where the architecture came from (its file, or "model 'name'" for one built in code), for messages.</summary>
    internal string Source => _spec?.Source ?? $"model '{Name}'";
    /// <summary>The device all tensors live on.</summary>
    /// <exception cref="InvalidOperationException">The model is not built yet.</exception>
    public Device Device => _device ?? throw NotBuilt();
    /// <summary>True once the layers are built on a device.</summary>
    public bool IsBuilt => _device != null;
    /// <summary>Element type of parameters and activations.</summary>
    public DType DType { get; private set; }
    /// <summary>Layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;
    /// <summary>Per-sample input shape [C, H, W].</summary>
    public int[] InputShape => [_inputShapeHwc[2], _inputShapeHwc[0], _inputShapeHwc[1]];
    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> Classes => _classes;
    /// <summary>Number of classes (length of the output).</summary>
    public int ClassCount => _classes.Length;

    /// <summary>Every parameter, layer by layer, in checkpoint order.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);

    /// <summary>Total parameter count (Keras model.summary "Total params").</summary>
    public long TotalParameterCount => Parameters.Sum(p => p.Value.Length);
    /// <summary>Parameters the optimizer updates.</summary>
    public long TrainableParameterCount => Parameters.Where(p => p.Trainable).Sum(p => p.Value.Length);
    /// <summary>Parameters that are not trained by gradient (BatchNormalization moving statistics).</summary>
    public long NonTrainableParameterCount => TotalParameterCount - TrainableParameterCount;

    /// <summary>
    /// Appends a layer (Keras <c>model.add</c>). A layer created without a name gets Keras' automatic
    /// name: its type in snake case and its 1-based count among the model's layers of that type
    /// (conv2d_1, batch_normalization_2, max_pooling2d_1, ...), exactly as an architecture file's
    /// unnamed layers are named.
    /// </summary>
    /// <returns>This model, so calls chain.</returns>
    /// <exception cref="InvalidOperationException">The model is already built, or the layer is built (it belongs to another model).</exception>
    /// <exception cref="ArgumentException">Another layer of the model has the same name.</exception>
    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt) throw new InvalidOperationException($"model '{Name}' is built; add every layer before Build");
        if (layer.IsBuilt || _layers.Contains(layer)) throw new InvalidOperationException($"this {layer.TypeName} layer already belongs to a model");
        int count = _typeCounts[layer.TypeName] = _typeCounts.GetValueOrDefault(layer.TypeName) + 1;
        if (!layer.IsNamed) layer.AssignName($"{LayerFactory.SnakeCase(layer.TypeName)}_{count}");
        if (_layers.Any(l => l.Name == layer.Name)) throw new ArgumentException($"two layers are named '{layer.Name}'", nameof(layer));
        _layers.Add(layer);
        return this;
    }

    /// <summary>
    /// Builds every layer on <paramref name="device"/> (Keras' <c>model.build</c>) and initialises the
    /// weights from <paramref name="seed"/> (glorot_uniform kernels, zero biases, BatchNormalization's
    /// ones and zeros, as in Keras); layer i draws from the stream (seed, i), so the same seed gives the
    /// same weights however the model was put together.
    /// </summary>
    /// <returns>This model.</returns>
    /// <exception cref="InvalidOperationException">Already built.</exception>
    /// <exception cref="ModelFormatException">No layers, a layer does not fit its input, a tensor would be larger than a tensor can be,
    /// the parameters and their gradients would take more than <see cref="MemoryBudget.Bytes"/> (checked by
    /// <see cref="ModelFootprint"/> before anything is allocated), or the output size differs from the class count
    /// (the message names the model and the layer); the layers are freed.</exception>
    public Sequential Build(Device device, DType dtype = DType.Float32, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (IsBuilt) throw new InvalidOperationException($"model '{Name}' is already built");
        if (_layers.Count == 0) throw new ModelFormatException($"model '{Name}' has no layers");
        var spec = _spec ?? ArchitectureSpec.FromLayers(Name, _inputShapeHwc, _classes, _layers);
        ModelFootprint.Of(this).CheckBuild(MemoryBudget.Bytes, dtype);
        int[] shape = InputShape;
        try
        {
            for (int i = 0; i < _layers.Count; i++)
            {
                try { _layers[i].Build(device, dtype, shape, i, seed); }
                catch (ArgumentException e) { throw new ModelFormatException($"{spec.Source}: {e.Message}", e); }
                shape = _layers[i].OutputShape;
            }
            CheckOutputShape(shape, spec.Source);
        }
        catch
        {
            foreach (var l in _layers) l.Dispose();
            throw;
        }
        _spec = spec;
        _device = device;
        DType = dtype;
        FuseActivations();
        return this;
    }

    /// <summary>Builds the model an architecture file describes: its layers, in order, added and built as in code.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="device">Where the tensors live.</param>
    /// <param name="dtype">Element type of parameters and activations.</param>
    /// <param name="seed">Weight-initialisation seed.</param>
    /// <exception cref="ModelFormatException">A layer is invalid or does not fit its input, two layers share a name, or the output size
    /// differs from the class count (message names the file and layer).</exception>
    public static Sequential Build(ArchitectureSpec spec, Device device, DType dtype = DType.Float32, ulong seed = 1) =>
        Create(spec).Build(device, dtype, seed);

    /// <summary>The model an architecture file describes, its layers added and named but not built: nothing is allocated,
    /// so its <see cref="ModelFootprint"/> can be checked first (<see cref="Build(Device, DType, ulong)"/> builds it).</summary>
    /// <exception cref="ModelFormatException">A layer is invalid or two layers share a name (message names the file and layer).</exception>
    public static Sequential Create(ArchitectureSpec spec)
    {
        var model = new Sequential(spec);
        foreach (var layer in spec.Layers)
        {
            try { model.Add(LayerFactory.Create(layer)); }
            catch (ArgumentException e) { throw new ModelFormatException($"{spec.Source}: {e.Message}", e); }
        }
        return model;
    }

    /// <summary>Fails unless the last layer's per-image output <paramref name="shape"/> is one value per class.</summary>
    /// <exception cref="ModelFormatException">It is not (the message names the architecture, <paramref name="source"/>).</exception>
    internal void CheckOutputShape(int[] shape, string source)
    {
        if (shape.Length != 1 || shape[0] != ClassCount)
            throw new ModelFormatException($"{source}: the last layer outputs [{string.Join(", ", shape)}] but there are {ClassCount} classes");
    }

    private static InvalidOperationException NotBuilt() => new("the model is not built yet: call Build(device) after adding its layers");

    // The model's last layer leaves its softmax to the loss (logits); a ReLU after a linear Conv2D or a
    // BatchNormalization (Keras' separate-activation style) is applied by the layer before while it writes
    // its output, saving the activation layer's pass and buffer in both directions.
    private void FuseActivations()
    {
        switch (_layers[^1])
        {
            case Dense d: d.EmitLogits = true; break;
            case ActivationLayer a: a.EmitLogits = true; break;
        }
        for (int i = 0; i + 1 < _layers.Count; i++)
        {
            if (_layers[i + 1] is not ActivationLayer { Function: ActivationFunction.Relu } relu) continue;
            if (_layers[i] is Conv2D { Activation: ActivationFunction.Linear } conv) conv.AbsorbsRelu = true;
            else if (_layers[i] is BatchNormalization norm) norm.AbsorbsRelu = true;
            else continue;
            relu.AbsorbedByPrevious = true;
        }
    }

    /// <summary>Runs every layer; returns logits [N, classes] (owned by the last layer, valid until the next call).</summary>
    /// <exception cref="ArgumentException">x is not [N, C, H, W] of the model's input shape.</exception>
    public Tensor ForwardLogits(Tensor x, in ForwardContext context)
    {
        var h = x;
        foreach (var layer in _layers) h = layer.Forward(h, context);
        return h;
    }

    /// <summary>Back-propagates dLogits [N, classes] through every layer, writing each parameter's gradient. May overwrite dLogits.</summary>
    public void Backward(Tensor dLogits)
    {
        var d = dLogits;
        for (int i = _layers.Count - 1; i >= 0; i--)
            d = _layers[i].Backward(d!, needInputGradient: i > 0);
    }

    /// <summary>Class probabilities [N, classes] at inference (moving statistics, no dropout).</summary>
    public Tensor Predict(Tensor x)
    {
        var logits = ForwardLogits(x, ForwardContext.Inference);
        if (_probabilities == null || !_probabilities.HasShape(logits.Shape))
        {
            _probabilities?.Dispose();
            _probabilities = Device.Allocate(DType, logits.ShapeArray());
        }
        Device.SoftmaxForward(logits, _probabilities);
        return _probabilities;
    }

    /// <summary>
    /// Σ of every layer's <see cref="Layer.RegularizationLoss"/> (Keras <c>model.losses</c>), nats: the
    /// L2 penalties the training loss includes. 0, with no device work, when no kernel is regularised.
    /// </summary>
    public double RegularizationLoss() => _layers.Sum(l => l.RegularizationLoss());

    /// <summary>
    /// Gives <paramref name="regularizer"/> to every Conv2D and Dense kernel that has none of its own
    /// (the trainer's <c>--l2</c>); kernels whose architecture sets kernel_regularizer, even
    /// <c>{"l2": 0}</c>, keep theirs. Biases and BatchNormalization parameters are never regularised.
    /// </summary>
    /// <returns>How many kernels received it.</returns>
    public int SetDefaultKernelRegularizer(L2Regularizer regularizer)
    {
        int count = 0;
        foreach (var layer in _layers.OfType<IKernelRegularizable>().Where(l => l.KernelRegularizer == null))
        {
            layer.KernelRegularizer = regularizer;
            count++;
        }
        return count;
    }

    /// <summary>Looks up a parameter by its checkpoint name ("layer.name").</summary>
    public Parameter? FindParameter(string fullName) => Parameters.FirstOrDefault(p => p.FullName == fullName);

    /// <summary>Frees all layers' memory.</summary>
    public void Dispose()
    {
        foreach (var l in _layers) l.Dispose();
        _probabilities?.Dispose();
    }
}
