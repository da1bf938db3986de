using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Regularizers;

namespace NativeCnn.Engine.Diagnostics;

/// <summary>One layer configuration to gradient-check.</summary>
/// <param name="Name">Description, e.g. "Conv2D 3x3 stride 2 same".</param>
/// <param name="LayerType">Keras class name of the layer, for filtering.</param>
/// <param name="Create">Makes a fresh, unbuilt layer.</param>
/// <param name="InputShape">Per-sample input shape [C, H, W] or [F].</param>
public sealed record GradientCheckCase(string Name, string LayerType, Func<Layer> Create, int[] InputShape);

/// <summary>
/// The layer configurations that <c>nativecnn gradcheck</c> and the test suite check: every
/// layer type, with the stride, padding, kernel-shape and activation variants, at odd sizes
/// (5x7 images, 3 channels) so no edge case hides behind a power of two. The L2 cases use a large
/// λ (0.3) so the penalty's 2λ·w is as large as the data term and a missing or doubled term fails.
/// </summary>
public static class GradientCheckSuite
{
    /// <summary>Batch size used for every case (odd, and &gt; 1 so batch statistics matter).</summary>
    public const int Batch = 3;

    /// <summary>λ of the L2-regularised cases.</summary>
    public const double L2Factor = 0.3;

    /// <summary>All cases.</summary>
    public static IReadOnlyList<GradientCheckCase> Cases { get; } =
    [
        new("Conv2D 3x3 same", "Conv2D", () => new Conv2D(4, (3, 3), (1, 1), Padding.Same, ActivationFunction.Linear, name: "conv2d"), [3, 5, 7]),
        new("Conv2D 3x3 valid", "Conv2D", () => new Conv2D(4, (3, 3), (1, 1), Padding.Valid, ActivationFunction.Linear, name: "conv2d"), [3, 5, 7]),
        new("Conv2D 5x5 same", "Conv2D", () => new Conv2D(2, (5, 5), (1, 1), Padding.Same, ActivationFunction.Linear, name: "conv2d"), [2, 6, 5]),
        new("Conv2D 3x2 stride 2 same", "Conv2D", () => new Conv2D(3, (3, 2), (2, 2), Padding.Same, ActivationFunction.Linear, name: "conv2d"), [2, 7, 6]),
        new("Conv2D 3x3 stride (2,1) valid", "Conv2D", () => new Conv2D(3, (3, 3), (2, 1), Padding.Valid, ActivationFunction.Linear, name: "conv2d"), [2, 7, 6]),
        new("Conv2D 3x3 same relu", "Conv2D", () => new Conv2D(4, (3, 3), (1, 1), Padding.Same, ActivationFunction.Relu, name: "conv2d"), [3, 5, 7]),
        new("Conv2D 1x1 no bias", "Conv2D", () => new Conv2D(3, (1, 1), (1, 1), Padding.Valid, ActivationFunction.Linear, useBias: false, name: "conv2d"), [2, 3, 3]),
        new("Conv2D 3x3 same relu l2", "Conv2D", () => new Conv2D(4, (3, 3), (1, 1), Padding.Same, ActivationFunction.Relu,
            kernelRegularizer: new L2Regularizer(L2Factor), name: "conv2d"), [3, 5, 7]),
        new("Dense", "Dense", () => new Dense(5, ActivationFunction.Linear, name: "dense"), [7]),
        new("Dense relu", "Dense", () => new Dense(6, ActivationFunction.Relu, name: "dense"), [9]),
        new("Dense softmax", "Dense", () => new Dense(4, ActivationFunction.Softmax, name: "dense"), [5]),
        new("Dense relu l2", "Dense", () => new Dense(6, ActivationFunction.Relu, kernelRegularizer: new L2Regularizer(L2Factor), name: "dense"), [9]),
        new("BatchNormalization on images", "BatchNormalization", () => new BatchNormalization(name: "batch_normalization"), [3, 5, 7]),
        new("BatchNormalization on features", "BatchNormalization", () => new BatchNormalization(name: "batch_normalization"), [7]),
        new("MaxPooling2D 2x2", "MaxPooling2D", () => new MaxPooling2D((2, 2), name: "max_pooling2d"), [3, 5, 7]),
        new("MaxPooling2D 3x3 stride 2", "MaxPooling2D", () => new MaxPooling2D((3, 3), (2, 2), name: "max_pooling2d"), [2, 7, 7]),
        new("Dropout 0.3", "Dropout", () => new Layers.Dropout(0.3, name: "dropout"), [3, 5, 7]),
        new("Flatten", "Flatten", () => new Flatten("flatten"), [3, 5, 7]),
        new("Activation relu", "Activation", () => new ActivationLayer(ActivationFunction.Relu, name: "activation"), [3, 5, 7]),
        new("Activation softmax", "Activation", () => new ActivationLayer(ActivationFunction.Softmax, name: "activation"), [6]),
    ];

    /// <summary>Runs <paramref name="testCase"/> on <paramref name="device"/>.</summary>
    public static IReadOnlyList<GradientCheckResult> Run(Device device, GradientCheckCase testCase, GradientChecker? checker = null)
    {
        using var layer = testCase.Create();
        return (checker ?? new GradientChecker()).CheckLayer(device, layer, testCase.InputShape, Batch);
    }
}
