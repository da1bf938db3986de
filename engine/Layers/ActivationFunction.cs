using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>Activations a layer can apply to its output (Keras names).</summary>
public enum ActivationFunction
{
    /// <summary>Identity ("linear", Keras' default).</summary>
    Linear,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>exp(x_k) / Σ_j exp(x_j) over the last axis; only for [N, K] outputs.</summary>
    Softmax,
}

/// <summary>Parsing and in-place application of <see cref="ActivationFunction"/>.</summary>
public static class Activations
{
    /// <summary>Parses a Keras activation name ("linear", "relu", "softmax"; null means linear).</summary>
    /// <exception cref="ArgumentException">The name is not supported; the message lists the supported ones.</exception>
    public static ActivationFunction Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "linear" => ActivationFunction.Linear,
        "relu" => ActivationFunction.Relu,
        "softmax" => ActivationFunction.Softmax,
        _ => throw new ArgumentException($"unknown activation '{name}'; supported: linear, relu, softmax"),
    };

    /// <summary>Checks that the activation fits a per-sample output shape: softmax needs [K] (Keras applies it on the last axis, which is channels in NHWC, so it is only defined here for features).</summary>
    /// <exception cref="ArgumentException">Softmax on an image-shaped output.</exception>
    public static void Validate(this ActivationFunction f, string layerName, int[] outputShape)
    {
        if (f == ActivationFunction.Softmax && outputShape.Length != 1)
            throw new ArgumentException($"layer {layerName}: softmax is supported on [N, K] outputs only, not [{string.Join(", ", outputShape)}]");
    }

    /// <summary>The Keras name.</summary>
    public static string KerasName(this ActivationFunction f) => f.ToString().ToLowerInvariant();

    /// <summary>y = f(x), one pass (x and y may be the same tensor).</summary>
    public static void Apply(this ActivationFunction f, Device device, Tensor x, Tensor y)
    {
        switch (f)
        {
            case ActivationFunction.Relu: device.ReluForward(x, y); break;
            case ActivationFunction.Softmax: device.SoftmaxForward(x, y); break;
            default: if (!ReferenceEquals(x, y)) device.Copy(x, y); break;
        }
    }

    /// <summary>y = f(y) in place.</summary>
    public static void ApplyInPlace(this ActivationFunction f, Device device, Tensor y) => f.Apply(device, y, y);

    /// <summary>dy = f'(·) ⊙ dy in place, from the activation's output y.</summary>
    public static void BackwardInPlace(this ActivationFunction f, Device device, Tensor y, Tensor dy)
    {
        switch (f)
        {
            case ActivationFunction.Relu: device.ReluBackward(y, dy, dy); break;
            case ActivationFunction.Softmax: device.SoftmaxBackward(y, dy, dy); break;
        }
    }
}
