using System.Numerics;

using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// 2-D convolution as deep-learning frameworks define it (a cross-correlation; Keras <c>layers.Conv2D</c>), x [N, C, H, W],
/// kernel [O, C, KH, KW], bias [O], y [N, O, OH, OW], strides (sh, sw), top/left padding (pt, pl), x read as zero
/// outside the image:
/// <code>
/// forward:          y[n,o,i,j] = b[o] + Σ_{c,p,q} k[o,c,p,q] · x[n, c, i·sh + p - pt, j·sw + q - pl]
/// kernel gradient:  dk[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] · x[n, c, i·sh + p - pt, j·sw + q - pl]
/// bias gradient:    db[o] = Σ_{n,i,j} dy[n,o,i,j]
/// data gradient:    dx[n,c,h,w] = Σ over (o,p,q,i,j) with i·sh + p - pt = h and j·sw + q - pl = w of dy[n,o,i,j] · k[o,c,p,q]
/// </code>
/// (the data gradient is the transposed convolution of dy with the kernel). The direct seven-loop form, slow and
/// obviously right: the oracle of the im2col, Winograd and GPU implicit-GEMM kernels. Output sizes and padding:
/// <see cref="Devices.Conv2DGeometry"/>.
/// </summary>
internal static class ConvolutionReference
{
    /// <summary>y = conv(x, kernel) + bias; an empty <paramref name="bias"/> means none.</summary>
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

    /// <summary>dKernel, dBias and dx (overwritten); an empty dBias or dx is skipped.</summary>
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
