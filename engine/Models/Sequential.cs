using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Models;

/// <summary>
/// A stack of layers run in order (Keras Sequential), built from an <see cref="ArchitectureSpec"/>.
/// Input [N, C, H, W] float in [0, 1]; <see cref="ForwardLogits"/> returns logits [N, classes]
/// (a final softmax is left to the loss, which fuses it with cross-entropy);
/// <see cref="Predict"/> returns probabilities.
/// </summary>
public sealed class Sequential : IDisposable
{
    private readonly Layer[] _layers;
    private Tensor? _probabilities;

    private Sequential(ArchitectureSpec spec, Device device, DType dtype, Layer[] layers)
    {
        Spec = spec;
        Device = device;
        DType = dtype;
        _layers = layers;
    }

    /// <summary>The architecture this model was built from.</summary>
    public ArchitectureSpec Spec { get; }
    /// <summary>The device all tensors live on.</summary>
    public Device Device { get; }
    /// <summary>Element type of parameters and activations.</summary>
    public DType DType { get; }
    /// <summary>Layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;
    /// <summary>Per-sample input shape [C, H, W].</summary>
    public int[] InputShape => Spec.InputShapeChw;
    /// <summary>Number of classes (length of the output).</summary>
    public int ClassCount => Spec.Classes.Count;

    /// <summary>Every parameter, layer by layer, in checkpoint order.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);

    /// <summary>Total parameter count (Keras model.summary "Total params").</summary>
    public long TotalParameterCount => Parameters.Sum(p => p.Value.Length);
    /// <summary>Parameters the optimizer updates.</summary>
    public long TrainableParameterCount => Parameters.Where(p => p.Trainable).Sum(p => p.Value.Length);
    /// <summary>Parameters that are not trained by gradient (BatchNormalization moving statistics).</summary>
    public long NonTrainableParameterCount => TotalParameterCount - TrainableParameterCount;

    /// <summary>Builds every layer and initialises weights from <paramref name="seed"/> (glorot_uniform / zeros / ones as in Keras).</summary>
    /// <exception cref="ModelFormatException">A layer does not fit its input, or the output size differs from the class count.</exception>
    public static Sequential Build(ArchitectureSpec spec, Device device, DType dtype = DType.Float32, ulong seed = 1)
    {
        var counts = new Dictionary<string, int>();
        var layers = spec.Layers.Select(l => LayerFactory.Create(l, counts)).ToArray();
        var duplicate = layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ModelFormatException($"{spec.Source}: two layers are named '{duplicate.Key}'");
        int[] shape = spec.InputShapeChw;
        try
        {
            for (int i = 0; i < layers.Length; i++)
            {
                try { layers[i].Build(device, dtype, shape, i, seed); }
                catch (ArgumentException e) { throw new ModelFormatException($"{spec.Source}: {e.Message}", e); }
                shape = layers[i].OutputShape;
            }
            if (shape.Length != 1 || shape[0] != spec.Classes.Count)
                throw new ModelFormatException($"{spec.Source}: the last layer outputs [{string.Join(", ", shape)}] but there are {spec.Classes.Count} classes");
        }
        catch
        {
            foreach (var l in layers) l.Dispose();
            throw;
        }
        switch (layers[^1])
        {
            case Dense d: d.EmitLogits = true; break;
            case ActivationLayer a: a.EmitLogits = true; break;
        }
        // Conv2D -> Activation("relu") and BatchNormalization -> Activation("relu") (Keras' separate-activation style):
        // the layer before applies the ReLU while it writes its output, saving the activation layer's pass and buffer
        // in both directions.
        for (int i = 0; i + 1 < layers.Length; i++)
        {
            if (layers[i + 1] is not ActivationLayer { Function: ActivationFunction.Relu } relu) continue;
            if (layers[i] is Conv2D { Activation: ActivationFunction.Linear } conv) conv.AbsorbsRelu = true;
            else if (layers[i] is BatchNormalization norm) norm.AbsorbsRelu = true;
            else continue;
            relu.AbsorbedByPrevious = true;
        }
        return new Sequential(spec, device, dtype, layers);
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
        for (int i = _layers.Length - 1; i >= 0; i--)
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
