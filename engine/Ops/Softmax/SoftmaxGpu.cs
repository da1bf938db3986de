using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>Row-wise softmax as ILGPU kernels, one thread per row of K classes (equations: <see cref="SoftmaxReference"/>).</summary>
internal static class SoftmaxGpu
{
    /// <summary>y = softmax(x) for row <paramref name="row"/> of [N, k].</summary>
    public static void Forward<T>(Index1D row, ArrayView<T> x, ArrayView<T> y, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = row * k;
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

    /// <summary>dx = y ⊙ (dy - Σ dy ⊙ y) for one row.</summary>
    public static void Backward<T>(Index1D row, ArrayView<T> y, ArrayView<T> dy, ArrayView<T> dx, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = row * k;
        T dot = T.Zero;
        for (int j = 0; j < k; j++) dot += dy[first + j] * y[first + j];
        for (int j = 0; j < k; j++) dx[first + j] = y[first + j] * (dy[first + j] - dot);
    }

    /// <summary>The softmax kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<Index1D, ArrayView<T>, ArrayView<T>, int> Forward { get; init; }
        public required Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, int>(SoftmaxGpu.Forward),
            Backward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(SoftmaxGpu.Backward),
        };
    }
}
