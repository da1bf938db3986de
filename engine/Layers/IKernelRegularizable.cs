using NativeCnn.Engine.Regularizers;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// A layer with a kernel that Keras lets you regularise (Conv2D, Dense: <c>kernel_regularizer</c>).
/// Biases and BatchNormalization's gamma/beta are never regularised, as in Keras' defaults.
/// </summary>
public interface IKernelRegularizable
{
    /// <summary>
    /// The kernel's regularizer, or null for none. Set it before training; it takes effect at the
    /// next <see cref="Layer.Backward"/> and <see cref="Layer.RegularizationLoss"/>.
    /// </summary>
    L2Regularizer? KernelRegularizer { get; set; }
}
