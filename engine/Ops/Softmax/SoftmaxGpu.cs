using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Row-wise softmax as ILGPU kernels, one thread per row of K classes at a time (equations:
/// <see cref="SoftmaxReference"/>).</summary>
internal static class SoftmaxGpu
{
    /// <summary>y = softmax(x) for every row of [rows, k].</summary>
    public static void Forward<T>(ArrayView<T> x, ArrayView<T> y, int k, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = GridStride.First; row < rows; row += GridStride.Step) Row(x, y, k, row * k);
    }

    private static void Row<T>(ArrayView<T> x, ArrayView<T> y, int k, int first) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = x[first];
        for (int j = 1; j < k; j++) max = T.Max(max, x[first + j]);
        T sum = T.Zero;
        for (int j = 0; j < k; j++)
        {
            y[first + j] = T.Exp(x[first + j] - max);
            sum += y[first + j];
        }
        T inv = T.One / sum;
        for (int j = 0; j < k; j++) y[first + j] *= inv;
    }

    /// <summary>dx = y ⊙ (dy - Σ dy ⊙ y) for every row.</summary>
    public static void Backward<T>(ArrayView<T> y, ArrayView<T> dy, ArrayView<T> dx, int k, int rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = GridStride.First; row < rows; row += GridStride.Step)
        {
            int first = row * k;
            T dot = T.Zero;
            for (int j = 0; j < k; j++) dot += dy[first + j] * y[first + j];
            for (int j = 0; j < k; j++) dx[first + j] = y[first + j] * (dy[first + j] - dot);
        }
    }

    /// <summary>The softmax kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, int, int> Forward { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, int, int>(SoftmaxGpu.Forward),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(SoftmaxGpu.Backward),
        };
    }
}
