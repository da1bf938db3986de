using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Axpy and the first stage of the sum of squares as ILGPU kernels (equations: <see cref="Blas1Reference"/>).</summary>
internal static class Blas1Gpu
{
    /// <summary>y = fma(α, x, y), one rounding per element like the CPU.</summary>
    public static void AddScaled<T>(ArrayView<T> y, ArrayView<T> x, T alpha, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) y[i] = T.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>
    /// Every work-group strides over the whole tensor (thread g of the launch takes elements g, g + threads, ...) and
    /// writes its Σ x² to partials[group]; the host adds the few partials in double.
    /// </summary>
    public static void SumOfSquaresPartial<T>(ArrayView<T> x, int n, ArrayView<T> partials) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        T partial = T.Zero;
        for (int i = GridStride.First; i < n; i += GridStride.Step) partial = T.FusedMultiplyAdd(x[i], x[i], partial);
        T total = GroupReduce.Sum(scratch, partial);
        if (Group.IdxX == 0) partials[Grid.IdxX] = total;
    }

    /// <summary>The level-1 BLAS kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, T, int> AddScaled { get; init; }
        public required Action<KernelConfig, ArrayView<T>, int, ArrayView<T>> SumOfSquaresPartial { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            AddScaled = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, T, int>(Blas1Gpu.AddScaled),
            SumOfSquaresPartial = a.LoadStreamKernel<ArrayView<T>, int, ArrayView<T>>(Blas1Gpu.SumOfSquaresPartial),
        };
    }
}
