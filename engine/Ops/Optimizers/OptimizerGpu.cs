using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>The SGD and Adam updates as ILGPU kernels, grid-stride loops over the parameters (equations:
/// <see cref="OptimizerReference"/>).</summary>
internal static class OptimizerGpu
{
    /// <summary>SGD's scalars: learning rate, momentum μ, and flags (velocity present, Nesterov).</summary>
    internal readonly record struct SgdScalars<T>(T LearningRate, T Momentum, int HasVelocity, int Nesterov) where T : unmanaged;

    /// <summary>Adam's scalars: the step size α with both bias corrections (computed on the host), β1, β2, ε.</summary>
    internal readonly record struct AdamScalars<T>(T Alpha, T Beta1, T Beta2, T Epsilon) where T : unmanaged;

    /// <summary>One SGD step for every parameter.</summary>
    public static void Sgd<T>(ArrayView<T> p, ArrayView<T> g, ArrayView<T> velocity, SgdScalars<T> s, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) SgdElement(i, p, g, velocity, s);
    }

    private static void SgdElement<T>(int i, ArrayView<T> p, ArrayView<T> g, ArrayView<T> velocity, SgdScalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T step = s.LearningRate * g[i];
        if (s.HasVelocity == 0)
        {
            p[i] -= step;
            return;
        }
        T v = s.Momentum * velocity[i] - step;
        velocity[i] = v;
        p[i] += s.Nesterov != 0 ? s.Momentum * v - step : v;
    }

    /// <summary>One Adam step for every parameter.</summary>
    public static void Adam<T>(ArrayView<T> p, ArrayView<T> g, ArrayView<T> m, ArrayView<T> v, AdamScalars<T> s, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            T gi = g[i];
            T mi = s.Beta1 * m[i] + (T.One - s.Beta1) * gi;
            T vi = s.Beta2 * v[i] + (T.One - s.Beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= s.Alpha * mi / (T.Sqrt(vi) + s.Epsilon);
        }
    }

    /// <summary>The optimizer kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars<T>, int> Sgd { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars<T>, int> Adam { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Sgd = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars<T>, int>(OptimizerGpu.Sgd),
            Adam = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars<T>, int>(OptimizerGpu.Adam),
        };
    }
}
