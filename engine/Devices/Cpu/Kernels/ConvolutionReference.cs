using System.Numerics;

namespace NativeCnn.Engine.Devices.Cpu.Kernels;

/// <summary>
/// Direct seven-loop convolution straight from the definition; slow and obviously right.
/// The oracle that <see cref="Convolution"/> (im2col + GEMM) is tested against.
/// </summary>
internal static class ConvolutionReference
{
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> kernel, ReadOnlySpan<T> bias, Span<T> y, in Conv2DGeometry g)
        where T : unmanaged, INumberBase<T>
    {
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        T sum = bias.IsEmpty ? T.Zero : bias[o];
                        for (int c = 0; c < g.InChannels; c++)
                            for (int p = 0; p < g.KernelHeight; p++)
                                for (int q = 0; q < g.KernelWidth; q++)
                                {
                                    int ii = i * g.StrideHeight + p - g.PadTop, jj = j * g.StrideWidth + q - g.PadLeft;
                                    if (ii < 0 || ii >= g.InHeight || jj < 0 || jj >= g.InWidth) continue;
                                    sum += kernel[((o * g.InChannels + c) * g.KernelHeight + p) * g.KernelWidth + q]
                                         * x[((n * g.InChannels + c) * g.InHeight + ii) * g.InWidth + jj];
                                }
                        y[((n * g.OutChannels + o) * g.OutHeight + i) * g.OutWidth + j] = sum;
                    }
    }

    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> kernel, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dKernel, Span<T> dBias, in Conv2DGeometry g)
        where T : unmanaged, INumberBase<T>
    {
        dx.Clear(); dKernel.Clear(); dBias.Clear();
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        T d = dy[((n * g.OutChannels + o) * g.OutHeight + i) * g.OutWidth + j];
                        if (!dBias.IsEmpty) dBias[o] += d;
                        for (int c = 0; c < g.InChannels; c++)
                            for (int p = 0; p < g.KernelHeight; p++)
                                for (int q = 0; q < g.KernelWidth; q++)
                                {
                                    int ii = i * g.StrideHeight + p - g.PadTop, jj = j * g.StrideWidth + q - g.PadLeft;
                                    if (ii < 0 || ii >= g.InHeight || jj < 0 || jj >= g.InWidth) continue;
                                    int kIndex = ((o * g.InChannels + c) * g.KernelHeight + p) * g.KernelWidth + q;
                                    int xIndex = ((n * g.InChannels + c) * g.InHeight + ii) * g.InWidth + jj;
                                    dKernel[kIndex] += d * x[xIndex];
                                    if (!dx.IsEmpty) dx[xIndex] += d * kernel[kIndex];
                                }
                    }
    }
}
