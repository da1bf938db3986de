using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false) =>
        Real.Run(x, new ConvForwardCall(this, x, kernel, bias, y, g, relu));

    /// <summary>The ReLU mask (when fused), the bias gradient, then one implicit GEMM for dKernel (split over the depth,
    /// two launches) and one for dx.</summary>
    public override void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null)
    {
        if (reluOutput != null) ReluBackward(reluOutput, dy, dy);
        if (dBias != null) ChannelSum(dy, dBias, g.Batch, g.OutChannels, g.OutPixels);
        Real.Run(x, new ConvBackwardCall(this, x, kernel, dy, dx, dKernel, g));
    }

    private readonly record struct ConvForwardCall(GpuDevice Device, Tensor X, Tensor Kernel, Tensor? Bias, Tensor Y, Conv2DGeometry G, bool Relu)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int m = G.OutChannels, n = G.Batch * G.OutPixels, k = G.PatchSize;
            if (n == 0) return;
            var output = new ConvolutionGpu.NchwOutput<T>(Device.View<T>(Y), Device.ViewOr<T>(Bias, Kernel), m, G.OutPixels, Bias != null, Relu);
            var image = new ConvolutionGpu.Im2ColMatrix<T>(Device.View<T>(X), new ConvolutionGpu.Layout(G));
            // W [O, C·KH·KW] row-major: vector loads when its rows are whole quads.
            if (k % 4 == 0)
                Device.Gemm<T, RowMajorQuads<T>, ConvolutionGpu.Im2ColMatrix<T>, ConvolutionGpu.NchwOutput<T>>(m, n, k, new(Device.View<T>(Kernel), k), image, output, splittable: false);
            else
                Device.Gemm<T, RowMajorMatrix<T>, ConvolutionGpu.Im2ColMatrix<T>, ConvolutionGpu.NchwOutput<T>>(m, n, k, new(Device.View<T>(Kernel), k), image, output, splittable: false);
        }
    }

    private readonly record struct ConvBackwardCall(GpuDevice Device, Tensor X, Tensor Kernel, Tensor Dy, Tensor? Dx, Tensor DKernel, Conv2DGeometry G)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int o = G.OutChannels, patch = G.PatchSize, pixels = G.Batch * G.OutPixels;
            var layout = new ConvolutionGpu.Layout(G);
            // dW[O, C·KH·KW] = dY[O, batch·OH·OW] · X̂ᵀ: an empty batch gives zeros (a depth of 0 sums nothing).
            Device.Gemm<T, ConvolutionGpu.ChannelsFirstMatrix<T>, Transposed<T, ConvolutionGpu.Im2ColMatrix<T>>, DenseOutput<T>>(o, patch, pixels,
                new ConvolutionGpu.ChannelsFirstMatrix<T>(Device.View<T>(Dy), o, G.OutPixels),
                new Transposed<T, ConvolutionGpu.Im2ColMatrix<T>>(new(Device.View<T>(X), layout)),
                new DenseOutput<T>(Device.View<T>(DKernel), patch, T.Zero), splittable: true);
            if (Dx == null || G.Batch == 0) return;
            int c = G.InChannels, inPixels = G.Batch * G.InPixels, depth = o * G.KernelHeight * G.KernelWidth;
            Device.Gemm<T, ConvolutionGpu.TransposedKernelMatrix<T>, ConvolutionGpu.TransposedIm2ColMatrix<T>, ConvolutionGpu.NchwOutput<T>>(c, inPixels, depth,
                new ConvolutionGpu.TransposedKernelMatrix<T>(Device.View<T>(Kernel), layout), new ConvolutionGpu.TransposedIm2ColMatrix<T>(Device.View<T>(Dy), layout),
                new ConvolutionGpu.NchwOutput<T>(Device.View<T>(Dx), Device.View<T>(Dx), c, G.InPixels, false, false), splittable: false);
        }
    }
}
