using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>The ReLU as ILGPU kernels, one thread per element (equations: <see cref="ReluReference"/>).</summary>
internal static class ReluGpu
{
    /// <summary>y = max(x, 0).</summary>
    public static void Forward<T>(Index1D i, ArrayView<T> x, ArrayView<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        y[i] = x[i] > T.Zero ? x[i] : T.Zero;

    /// <summary>dx = dy · [y &gt; 0].</summary>
    public static void Backward<T>(Index1D i, ArrayView<T> y, ArrayView<T> dy, ArrayView<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        dx[i] = y[i] > T.Zero ? dy[i] : T.Zero;

    /// <summary>The ReLU kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<Index1D, ArrayView<T>, ArrayView<T>> Forward { get; init; }
        public required Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>>(ReluGpu.Forward),
            Backward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>>(ReluGpu.Backward),
        };
    }
}
