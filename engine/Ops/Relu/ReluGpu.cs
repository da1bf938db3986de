using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>The ReLU as ILGPU kernels, grid-stride loops over the elements (equations: <see cref="ReluReference"/>).</summary>
internal static class ReluGpu
{
    /// <summary>y = max(x, 0).</summary>
    public static void Forward<T>(ArrayView<T> x, ArrayView<T> y, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) y[i] = x[i] > T.Zero ? x[i] : T.Zero;
    }

    /// <summary>dx = dy · [y &gt; 0].</summary>
    public static void Backward<T>(ArrayView<T> y, ArrayView<T> dy, ArrayView<T> dx, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) dx[i] = y[i] > T.Zero ? dy[i] : T.Zero;
    }

    /// <summary>The ReLU kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, int> Forward { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int>(ReluGpu.Forward),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(ReluGpu.Backward),
        };
    }
}
