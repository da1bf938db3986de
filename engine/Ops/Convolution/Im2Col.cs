using System.Numerics;

using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// im2col and its adjoint col2im (Chellapilla et al. 2006): unrolls every receptive field of a
/// group of images into one column so that convolution becomes one GEMM.
/// Column matrix layout: [C*KH*KW, images*OH*OW]; row (c, p, q), column (image, i, j).
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>cols[(c,p,q), (img,i,j)] = x[img, c, i*sh+p-pt, j*sw+q-pl], zero outside the image; x points at the first of <c>images</c> consecutive [C, H, W] images.</summary>
    public static void Unroll<T>(T* x, int images, in Conv2DGeometry g, T* cols) where T : unmanaged, INumberBase<T>
    {
        int ohw = g.OutPixels, rowLength = images * ohw;
        for (int c = 0; c < g.InChannels; c++)
            for (int p = 0; p < g.KernelHeight; p++)
                for (int q = 0; q < g.KernelWidth; q++)
                {
                    T* row = cols + (long)((c * g.KernelHeight + p) * g.KernelWidth + q) * rowLength;
                    for (int img = 0; img < images; img++)
                    {
                        T* plane = x + ((long)img * g.InChannels + c) * g.InPixels;
                        T* dst = row + img * ohw;
                        for (int i = 0; i < g.OutHeight; i++, dst += g.OutWidth)
                        {
                            int ii = i * g.StrideHeight + p - g.PadTop;
                            if ((uint)ii >= (uint)g.InHeight)
                            {
                                new Span<T>(dst, g.OutWidth).Clear();
                                continue;
                            }
                            CopyRow(plane + (long)ii * g.InWidth, q - g.PadLeft, g.StrideWidth, g.InWidth, dst, g.OutWidth);
                        }
                    }
                }
    }

    /// <summary>The adjoint of <see cref="Unroll{T}"/>: dx[img, c, ii, jj] += Σ of the columns that read that pixel. dx must be zeroed by the caller.</summary>
    public static void Fold<T>(T* cols, int images, in Conv2DGeometry g, T* dx) where T : unmanaged, INumberBase<T>
    {
        int ohw = g.OutPixels, rowLength = images * ohw;
        for (int c = 0; c < g.InChannels; c++)
            for (int p = 0; p < g.KernelHeight; p++)
                for (int q = 0; q < g.KernelWidth; q++)
                {
                    T* row = cols + (long)((c * g.KernelHeight + p) * g.KernelWidth + q) * rowLength;
                    for (int img = 0; img < images; img++)
                    {
                        T* plane = dx + ((long)img * g.InChannels + c) * g.InPixels;
                        T* src = row + img * ohw;
                        for (int i = 0; i < g.OutHeight; i++, src += g.OutWidth)
                        {
                            int ii = i * g.StrideHeight + p - g.PadTop;
                            if ((uint)ii >= (uint)g.InHeight) continue;
                            AddRow(src, g.OutWidth, plane + (long)ii * g.InWidth, q - g.PadLeft, g.StrideWidth, g.InWidth);
                        }
                    }
                }
    }

    /// <summary>dst[j] = src[j*stride + offset] for j in [0, count), zero where the index leaves [0, width).</summary>
    private static void CopyRow<T>(T* src, int offset, int stride, int width, T* dst, int count) where T : unmanaged, INumberBase<T>
    {
        var (first, last) = ValidRange(offset, stride, width, count);
        for (int j = 0; j < first; j++) dst[j] = T.Zero;
        if (stride == 1 && last > first)
            new ReadOnlySpan<T>(src + first + offset, last - first).CopyTo(new Span<T>(dst + first, last - first));
        else
            for (int j = first; j < last; j++) dst[j] = src[j * stride + offset];
        for (int j = Math.Max(last, first); j < count; j++) dst[j] = T.Zero;
    }

    /// <summary>dst[j*stride + offset] += src[j] where that index is inside [0, width).</summary>
    private static void AddRow<T>(T* src, int count, T* dst, int offset, int stride, int width) where T : unmanaged, INumberBase<T>
    {
        var (first, last) = ValidRange(offset, stride, width, count);
        if (stride == 1)
        {
            if (last > first) VectorLoop.MapRange<T, AddOp<T>>(dst + first + offset, src + first, dst + first + offset, last - first);
        }
        else
            for (int j = first; j < last; j++) dst[j * stride + offset] += src[j];
    }

    /// <summary>The j range for which 0 ≤ j*stride + offset &lt; width.</summary>
    private static (int First, int Last) ValidRange(int offset, int stride, int width, int count)
    {
        int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = width - offset <= 0 ? 0 : Math.Min(count, (width - offset + stride - 1) / stride);
        return (Math.Min(first, count), last);
    }
}
