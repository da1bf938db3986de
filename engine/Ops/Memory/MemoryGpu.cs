using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Filling a tensor with one value on a <see cref="GpuDevice"/> (host devices fill their memory directly).</summary>
internal static class MemoryGpu
{
    /// <summary>x[i] = value for every element (a grid-stride loop).</summary>
    public static void Fill<T>(ArrayView<T> x, T value, int n) where T : unmanaged
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) x[i] = value;
    }

    /// <summary>The fill kernel for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged
    {
        public required Action<KernelConfig, ArrayView<T>, T, int> Fill { get; init; }

        public static Kernels<T> Load(Accelerator a) => new() { Fill = a.LoadStreamKernel<ArrayView<T>, T, int>(MemoryGpu.Fill) };
    }
}
