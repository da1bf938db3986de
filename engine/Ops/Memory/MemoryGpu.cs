using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Filling a tensor with one value on a <see cref="GpuDevice"/> (host devices fill their memory directly).</summary>
internal static class MemoryGpu
{
    /// <summary>x[i] = value, one thread per element.</summary>
    public static void Fill<T>(Index1D i, ArrayView<T> x, T value) where T : unmanaged => x[i] = value;

    /// <summary>The fill kernel for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged
    {
        public required Action<Index1D, ArrayView<T>, T> Fill { get; init; }

        public static Kernels<T> Load(Accelerator a) => new() { Fill = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(MemoryGpu.Fill) };
    }
}
