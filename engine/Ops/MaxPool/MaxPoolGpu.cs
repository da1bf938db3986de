using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Max pooling as ILGPU kernels (equations: <see cref="MaxPoolReference"/>).</summary>
internal static class MaxPoolGpu
{
    /// <summary>For every output (a grid-stride loop): the window's first maximum and its flat H·W index.</summary>
    public static void Forward<T>(ArrayView<T> x, ArrayView<T> y, ArrayView<int> argmax, Pool2DGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int idx = GridStride.First; idx < n; idx += GridStride.Step) Window(idx, x, y, argmax, g);
    }

    private static void Window<T>(int idx, ArrayView<T> x, ArrayView<T> y, ArrayView<int> argmax, Pool2DGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = idx % g.OutWidth, i = idx / g.OutWidth % g.OutHeight, plane = idx / (g.OutWidth * g.OutHeight);
        int planeStart = plane * g.InHeight * g.InWidth;
        int best = i * g.StrideHeight * g.InWidth + j * g.StrideWidth;
        T bestValue = x[planeStart + best];
        for (int p = 0; p < g.PoolHeight; p++)
            for (int q = 0; q < g.PoolWidth; q++)
            {
                int at = (i * g.StrideHeight + p) * g.InWidth + j * g.StrideWidth + q;
                if (x[planeStart + at] > bestValue)
                {
                    bestValue = x[planeStart + at];
                    best = at;
                }
            }
        y[idx] = bestValue;
        argmax[idx] = best;
    }

    /// <summary>
    /// For every input pixel (a grid-stride loop), gathering dy from every window that picked it, in row-major window
    /// order: no two threads write the same pixel, so no atomics are needed and the sum does not depend on scheduling.
    /// </summary>
    public static void Backward<T>(ArrayView<T> dy, ArrayView<int> argmax, ArrayView<T> dx, Pool2DGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int idx = GridStride.First; idx < n; idx += GridStride.Step) Pixel(idx, dy, argmax, dx, g);
    }

    private static void Pixel<T>(int idx, ArrayView<T> dy, ArrayView<int> argmax, ArrayView<T> dx, Pool2DGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planeIn = g.InHeight * g.InWidth;
        int pixel = idx % planeIn, plane = idx / planeIn;
        int h = pixel / g.InWidth, w = pixel % g.InWidth;
        // The windows i with i·sh ≤ h < i·sh + ph, clipped to the output.
        int iFirst = h < g.PoolHeight ? 0 : (h - g.PoolHeight) / g.StrideHeight + 1;
        int iLast = Math.Min(h / g.StrideHeight, g.OutHeight - 1);
        int jFirst = w < g.PoolWidth ? 0 : (w - g.PoolWidth) / g.StrideWidth + 1;
        int jLast = Math.Min(w / g.StrideWidth, g.OutWidth - 1);
        int outStart = plane * g.OutHeight * g.OutWidth;
        T sum = T.Zero;
        for (int i = iFirst; i <= iLast; i++)
            for (int j = jFirst; j <= jLast; j++)
            {
                int o = outStart + i * g.OutWidth + j;
                if (argmax[o] == pixel) sum += dy[o];
            }
        dx[idx] = sum;
    }

    /// <summary>The max-pooling kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<int>, Pool2DGeometry, int> Forward { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<int>, ArrayView<T>, Pool2DGeometry, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<int>, Pool2DGeometry, int>(MaxPoolGpu.Forward),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<int>, ArrayView<T>, Pool2DGeometry, int>(MaxPoolGpu.Backward),
        };
    }
}
