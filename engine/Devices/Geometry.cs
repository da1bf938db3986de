namespace NativeCnn.Engine.Devices;

/// <summary>Keras padding modes for Conv2D.</summary>
public enum Padding
{
    /// <summary>No padding; output = floor((in - kernel) / stride) + 1.</summary>
    Valid,
    /// <summary>Output = ceil(in / stride); total padding max((out-1)*stride + kernel - in, 0), the odd pixel on the bottom/right (TensorFlow's rule).</summary>
    Same,
}

/// <summary>
/// Shapes of one 2-D convolution over a batch: input [N, C, H, W], kernel [O, C, KH, KW],
/// output [N, O, OH, OW]. Padding is given as the top/left amounts; bottom/right follow from
/// the output size.
/// </summary>
/// <param name="Batch">N, images in the batch.</param>
/// <param name="InChannels">C.</param>
/// <param name="InHeight">H, pixels.</param>
/// <param name="InWidth">W, pixels.</param>
/// <param name="OutChannels">O, number of filters.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="StrideHeight">Vertical stride, pixels.</param>
/// <param name="StrideWidth">Horizontal stride, pixels.</param>
/// <param name="PadTop">Zero rows added above the input.</param>
/// <param name="PadLeft">Zero columns added left of the input.</param>
/// <param name="OutHeight">OH.</param>
/// <param name="OutWidth">OW.</param>
public readonly record struct Conv2DGeometry(
    int Batch, int InChannels, int InHeight, int InWidth,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PadTop, int PadLeft,
    int OutHeight, int OutWidth)
{
    /// <summary>Rows of the im2col matrix: C * KH * KW (the GEMM's K dimension).</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    /// <summary>Output pixels per image and channel: OH * OW.</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>Input pixels per image and channel: H * W.</summary>
    public int InPixels => InHeight * InWidth;

    /// <summary>Computes output size and padding the way Keras/TensorFlow do.</summary>
    /// <exception cref="ArgumentException">A size is not positive, or 'valid' padding leaves no output.</exception>
    public static Conv2DGeometry Create(int batch, int inChannels, int inHeight, int inWidth,
        int outChannels, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding)
    {
        if (batch < 0 || inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0
            || kernelHeight <= 0 || kernelWidth <= 0 || strideHeight <= 0 || strideWidth <= 0)
            throw new ArgumentException(
                $"Conv2D sizes must be positive (input C={inChannels} H={inHeight} W={inWidth}, filters={outChannels}, kernel {kernelHeight}x{kernelWidth}, strides {strideHeight}x{strideWidth})");
        var (oh, padTop) = OutputAndPad(inHeight, kernelHeight, strideHeight, padding);
        var (ow, padLeft) = OutputAndPad(inWidth, kernelWidth, strideWidth, padding);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException(
                $"Conv2D kernel {kernelHeight}x{kernelWidth} with 'valid' padding does not fit a {inHeight}x{inWidth} input");
        return new Conv2DGeometry(batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
            strideHeight, strideWidth, padTop, padLeft, oh, ow);
    }

    /// <summary>The same geometry for another batch size.</summary>
    public Conv2DGeometry WithBatch(int batch) => this with { Batch = batch };

    private static (int Output, int PadBefore) OutputAndPad(int input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid) return ((input - kernel) / stride + 1, 0);
        int output = (input + stride - 1) / stride;
        int padTotal = Math.Max((output - 1) * stride + kernel - input, 0);
        return (output, padTotal / 2);
    }
}

/// <summary>
/// Shapes of 2-D max pooling with 'valid' padding: input [N, C, H, W], output [N, C, OH, OW],
/// OH = floor((H - PoolHeight) / StrideHeight) + 1 (Keras MaxPooling2D).
/// </summary>
/// <param name="Batch">N.</param>
/// <param name="Channels">C.</param>
/// <param name="InHeight">H.</param>
/// <param name="InWidth">W.</param>
/// <param name="PoolHeight">Window height.</param>
/// <param name="PoolWidth">Window width.</param>
/// <param name="StrideHeight">Vertical step.</param>
/// <param name="StrideWidth">Horizontal step.</param>
/// <param name="OutHeight">OH.</param>
/// <param name="OutWidth">OW.</param>
public readonly record struct Pool2DGeometry(
    int Batch, int Channels, int InHeight, int InWidth,
    int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth,
    int OutHeight, int OutWidth)
{
    /// <summary>Computes the 'valid' output size.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the window is larger than the input.</exception>
    public static Pool2DGeometry Create(int batch, int channels, int inHeight, int inWidth,
        int poolHeight, int poolWidth, int strideHeight, int strideWidth)
    {
        if (poolHeight <= 0 || poolWidth <= 0 || strideHeight <= 0 || strideWidth <= 0)
            throw new ArgumentException($"MaxPooling2D pool {poolHeight}x{poolWidth} and strides {strideHeight}x{strideWidth} must be positive");
        if (poolHeight > inHeight || poolWidth > inWidth)
            throw new ArgumentException($"MaxPooling2D pool {poolHeight}x{poolWidth} is larger than its {inHeight}x{inWidth} input");
        return new Pool2DGeometry(batch, channels, inHeight, inWidth, poolHeight, poolWidth, strideHeight, strideWidth,
            (inHeight - poolHeight) / strideHeight + 1, (inWidth - poolWidth) / strideWidth + 1);
    }

    /// <summary>The same geometry for another batch size.</summary>
    public Pool2DGeometry WithBatch(int batch) => this with { Batch = batch };
}
