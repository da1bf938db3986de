using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The SGD and Adam updates as ILGPU kernels (equations: <see cref="OptimizerReference"/>): grid-stride loops over one
/// tensor, and the fused forms over a table of every parameter of a model, one launch per step. The table holds each
/// parameter's device addresses (CUDA and ILGPU's CPU accelerator address memory by plain pointers; OpenCL does not, so
/// it updates tensor by tensor) and a list of chunks of at most <see cref="ChunkLength"/> elements of one parameter;
/// work-groups take chunks g, g + groups, ..., so small and large tensors share the launch.
/// </summary>
internal static unsafe class OptimizerGpu
{
    /// <summary>Elements per chunk of the fused update.</summary>
    public const int ChunkLength = 8192;

    /// <summary>SGD's scalars: learning rate, momentum μ, and flags (velocity present, Nesterov).</summary>
    internal readonly record struct SgdScalars<T>(T LearningRate, T Momentum, int HasVelocity, int Nesterov) where T : unmanaged;

    /// <summary>Adam's scalars: the step size α with both bias corrections (computed on the host), β1, β2, ε.</summary>
    internal readonly record struct AdamScalars<T>(T Alpha, T Beta1, T Beta2, T Epsilon) where T : unmanaged;

    /// <summary>One parameter of the fused update: the device addresses of its value, gradient and two state slots
    /// (0 where absent).</summary>
    internal readonly record struct ParameterAddresses(long Value, long Gradient, long State0, long State1);

    /// <summary>Elements [Start, Start + Length) of parameter <see cref="Parameter"/>.</summary>
    internal readonly record struct UpdateChunk(int Parameter, int Start, int Length);

    /// <summary>One SGD step for every element of one tensor.</summary>
    public static void Sgd<T>(ArrayView<T> p, ArrayView<T> g, ArrayView<T> velocity, SgdScalars<T> s, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            var (value, v) = SgdStep(p[i], g[i], s.HasVelocity != 0 ? velocity[i] : T.Zero, s);
            p[i] = value;
            if (s.HasVelocity != 0) velocity[i] = v;
        }
    }

    /// <summary>One Adam step for every element of one tensor.</summary>
    public static void Adam<T>(ArrayView<T> p, ArrayView<T> g, ArrayView<T> m, ArrayView<T> v, AdamScalars<T> s, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step)
        {
            var (value, mi, vi) = AdamStep(p[i], g[i], m[i], v[i], s);
            p[i] = value;
            m[i] = mi;
            v[i] = vi;
        }
    }

    /// <summary>One SGD step for every parameter of the table.</summary>
    public static void SgdTable<T>(ArrayView<ParameterAddresses> parameters, ArrayView<UpdateChunk> chunks, SgdScalars<T> s, int chunkCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = Grid.IdxX; c < chunkCount; c += Grid.DimX)
        {
            var chunk = chunks[c];
            var a = parameters[chunk.Parameter];
            T* p = (T*)a.Value, g = (T*)a.Gradient, velocity = (T*)a.State0;
            for (int i = chunk.Start + Group.IdxX; i < chunk.Start + chunk.Length; i += Group.DimX)
            {
                var (value, v) = SgdStep(p[i], g[i], s.HasVelocity != 0 ? velocity[i] : T.Zero, s);
                p[i] = value;
                if (s.HasVelocity != 0) velocity[i] = v;
            }
        }
    }

    /// <summary>One Adam step for every parameter of the table.</summary>
    public static void AdamTable<T>(ArrayView<ParameterAddresses> parameters, ArrayView<UpdateChunk> chunks, AdamScalars<T> s, int chunkCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int c = Grid.IdxX; c < chunkCount; c += Grid.DimX)
        {
            var chunk = chunks[c];
            var a = parameters[chunk.Parameter];
            T* p = (T*)a.Value, g = (T*)a.Gradient, m = (T*)a.State0, v = (T*)a.State1;
            for (int i = chunk.Start + Group.IdxX; i < chunk.Start + chunk.Length; i += Group.DimX)
            {
                var (value, mi, vi) = AdamStep(p[i], g[i], m[i], v[i], s);
                p[i] = value;
                m[i] = mi;
                v[i] = vi;
            }
        }
    }

    private static (T Value, T Velocity) SgdStep<T>(T p, T g, T velocity, SgdScalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T step = s.LearningRate * g;
        if (s.HasVelocity == 0) return (p - step, velocity);
        T v = s.Momentum * velocity - step;
        return (p + (s.Nesterov != 0 ? s.Momentum * v - step : v), v);
    }

    private static (T Value, T M, T V) AdamStep<T>(T p, T g, T m, T v, AdamScalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T mi = s.Beta1 * m + (T.One - s.Beta1) * g;
        T vi = s.Beta2 * v + (T.One - s.Beta2) * g * g;
        return (p - s.Alpha * mi / (T.Sqrt(vi) + s.Epsilon), mi, vi);
    }

    /// <summary>The optimizer kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars<T>, int> Sgd { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars<T>, int> Adam { get; init; }
        public required Action<KernelConfig, ArrayView<ParameterAddresses>, ArrayView<UpdateChunk>, SgdScalars<T>, int> SgdTable { get; init; }
        public required Action<KernelConfig, ArrayView<ParameterAddresses>, ArrayView<UpdateChunk>, AdamScalars<T>, int> AdamTable { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Sgd = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, SgdScalars<T>, int>(OptimizerGpu.Sgd),
            Adam = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, AdamScalars<T>, int>(OptimizerGpu.Adam),
            SgdTable = a.LoadStreamKernel<ArrayView<ParameterAddresses>, ArrayView<UpdateChunk>, SgdScalars<T>, int>(OptimizerGpu.SgdTable),
            AdamTable = a.LoadStreamKernel<ArrayView<ParameterAddresses>, ArrayView<UpdateChunk>, AdamScalars<T>, int>(OptimizerGpu.AdamTable),
        };
    }
}
