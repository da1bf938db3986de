using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Max pooling as ILGPU kernels (equations: <see cref="MaxPoolReference"/>): one pass over the outputs forward,
/// one over the inputs backward, every index split by multiply-shift divisions (<see cref="FastDivisor"/>).</summary>
internal static class MaxPoolGpu
{
    /// <summary>The geometry with a divisor for every size the kernels divide by.</summary>
    internal readonly struct Layout(Pool2DGeometry g)
    {
        /// <summary>The shapes.</summary>
        public readonly Pool2DGeometry G = g;
        /// <summary>OW, OH, W, H·W and the strides.</summary>
        public readonly FastDivisor OutWidth = new(g.OutWidth), OutHeight = new(g.OutHeight), InWidth = new(g.InWidth), InPlane = new(g.InHeight * g.InWidth),
            StrideHeight = new(g.StrideHeight), StrideWidth = new(g.StrideWidth);
    }

    /// <summary>For every output (a grid-stride loop): the window's first maximum and its flat H·W index.</summary>
    public static void Forward<T>(ArrayView<T> x, ArrayView<T> y, ArrayView<int> argmax, Layout layout, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int idx = GridStride.First; idx < n; idx += GridStride.Step) Window(idx, x, y, argmax, layout);
    }

    private static void Window<T>(int idx, ArrayView<T> x, ArrayView<T> y, ArrayView<int> argmax, Layout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = layout.G;
        int row = layout.OutWidth.Divide(idx), plane = layout.OutHeight.Divide(row);
        int j = layout.OutWidth.Remainder(idx, row), i = layout.OutHeight.Remainder(row, plane);
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
    public static void Backward<T>(ArrayView<T> dy, ArrayView<int> argmax, ArrayView<T> dx, Layout layout, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int idx = GridStride.First; idx < n; idx += GridStride.Step) Pixel(idx, dy, argmax, dx, layout);
    }

    private static void Pixel<T>(int idx, ArrayView<T> dy, ArrayView<int> argmax, ArrayView<T> dx, Layout layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = layout.G;
        int plane = layout.InPlane.Divide(idx), pixel = layout.InPlane.Remainder(idx, plane);
        int h = layout.InWidth.Divide(pixel), w = layout.InWidth.Remainder(pixel, h);
        // The windows i with i·sh ≤ h < i·sh + ph, clipped to the output.
        int iFirst = h < g.PoolHeight ? 0 : layout.StrideHeight.Divide(h - g.PoolHeight) + 1;
        int iLast = Math.Min(layout.StrideHeight.Divide(h), g.OutHeight - 1);
        int jFirst = w < g.PoolWidth ? 0 : layout.StrideWidth.Divide(w - g.PoolWidth) + 1;
        int jLast = Math.Min(layout.StrideWidth.Divide(w), g.OutWidth - 1);
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
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<int>, Layout, int> Forward { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<int>, ArrayView<T>, Layout, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<int>, Layout, int>(MaxPoolGpu.Forward),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<int>, ArrayView<T>, Layout, int>(MaxPoolGpu.Backward),
        };
    }
}
