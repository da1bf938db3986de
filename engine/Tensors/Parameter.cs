using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Tensors;

/// <summary>
/// A named weight tensor of a layer (e.g. "conv2d_1.kernel") with its gradient. Trainable
/// parameters are updated by the optimizer; non-trainable ones (BatchNormalization's moving
/// statistics) are updated by the layer itself and have no gradient.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string layerName, string name, Tensor value, Tensor? gradient)
    {
        FullName = $"{layerName}.{name}";
        Name = name;
        Value = value;
        Gradient = gradient;
    }

    /// <summary>Short name within the layer, Keras style: kernel, bias, gamma, beta, moving_mean, moving_variance.</summary>
    public string Name { get; }

    /// <summary>"layer.name", the key in checkpoints.</summary>
    public string FullName { get; }

    /// <summary>The weights.</summary>
    public Tensor Value { get; }

    /// <summary>∂loss/∂Value from the last backward pass (same shape), or null for non-trainable parameters.</summary>
    public Tensor? Gradient { get; }

    /// <summary>True when the optimizer updates this parameter.</summary>
    public bool Trainable => Gradient != null;
}
