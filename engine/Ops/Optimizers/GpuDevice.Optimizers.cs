using System.Numerics;
using ILGPU;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov) =>
        Real.Run(parameter, new SgdCall(this, parameter, gradient, velocity, learningRate, momentum, nesterov));

    /// <inheritdoc/>
    public override void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v, double learningRate, double beta1, double beta2,
        double epsilon, long t) =>
        Real.Run(parameter, new AdamCall(this, parameter, gradient, m, v, learningRate, beta1, beta2, epsilon, t));

    /// <summary>A table with the parameters' addresses on the device when the accelerator addresses memory by pointers
    /// (CUDA, ILGPU's CPU accelerator) and they share one dtype; otherwise the host list (updates tensor by tensor).</summary>
    public override OptimizerTable CreateOptimizerTable(IReadOnlyList<ParameterSlots> parameters)
    {
        bool pointers = _accelerator is ILGPU.Runtime.Cuda.CudaAccelerator or ILGPU.Runtime.CPU.CPUAccelerator;
        if (!pointers || parameters.Select(p => p.Value.DType).Distinct().Count() > 1) return base.CreateOptimizerTable(parameters);
        foreach (var p in parameters)
            foreach (var t in p.State.Append(p.Value).Append(p.Gradient))
                View<byte>(t); // throws for a tensor of another device
        var table = new GpuOptimizerTable(_accelerator, parameters, t => ((GpuBuffer)t.Buffer).Memory.NativePtr.ToInt64());
        Counters.Allocated(table.Bytes);
        Counters.Uploaded(table.Bytes);
        return table;
    }

    /// <summary>One launch for every parameter when the table is on the device.</summary>
    public override void SgdUpdate(OptimizerTable table, double learningRate, double momentum, bool nesterov)
    {
        if (table is not GpuOptimizerTable device || table.Parameters.Count == 0)
        {
            base.SgdUpdate(table, learningRate, momentum, nesterov);
            return;
        }
        Real.Run(table.Parameters[0].Value, new SgdTableCall(this, device, learningRate, momentum, nesterov));
    }

    /// <summary>One launch for every parameter when the table is on the device.</summary>
    public override void AdamUpdate(OptimizerTable table, double learningRate, double beta1, double beta2, double epsilon, long t)
    {
        if (table is not GpuOptimizerTable device || table.Parameters.Count == 0)
        {
            base.AdamUpdate(table, learningRate, beta1, beta2, epsilon, t);
            return;
        }
        Real.Run(table.Parameters[0].Value, new AdamTableCall(this, device, learningRate, beta1, beta2, epsilon, t));
    }

    private static OptimizerGpu.AdamScalars<T> AdamScalars<T>(double learningRate, double beta1, double beta2, double epsilon, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateChecked(beta1), b2 = T.CreateChecked(beta2);
        return new OptimizerGpu.AdamScalars<T>(OptimizerReference.AdamStepSize(T.CreateChecked(learningRate), b1, b2, step), b1, b2, T.CreateChecked(epsilon));
    }

    private KernelConfig TableConfig(GpuOptimizerTable table) => new(Math.Clamp(table.ChunkCount, 1, MaxStrideGroups), ReduceGroupSize);

    private readonly record struct SgdTableCall(GpuDevice Device, GpuOptimizerTable Table, double LearningRate, double Momentum, bool Nesterov) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            bool velocity = Table.Parameters.All(p => p.State.Count > 0);
            var s = new OptimizerGpu.SgdScalars<T>(T.CreateChecked(LearningRate), T.CreateChecked(Momentum), velocity ? 1 : 0, Nesterov ? 1 : 0);
            Device.Launch(Device.Kernels<OptimizerGpu.Kernels<T>>().SgdTable)(Device.TableConfig(Table), Table.Addresses, Table.Chunks, s, Table.ChunkCount);
        }
    }

    private readonly record struct AdamTableCall(GpuDevice Device, GpuOptimizerTable Table, double LearningRate, double Beta1, double Beta2,
        double Epsilon, long Step) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Table.Parameters.Any(p => p.State.Count < 2)) throw new ArgumentException("Adam needs the m and v slots of every parameter");
            Device.Launch(Device.Kernels<OptimizerGpu.Kernels<T>>().AdamTable)(Device.TableConfig(Table), Table.Addresses, Table.Chunks,
                AdamScalars<T>(LearningRate, Beta1, Beta2, Epsilon, Step), Table.ChunkCount);
        }
    }

    private readonly record struct SgdCall(GpuDevice Device, Tensor Parameter, Tensor Gradient, Tensor? Velocity, double LearningRate, double Momentum,
        bool Nesterov) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Parameter.Length == 0) return;
            var s = new OptimizerGpu.SgdScalars<T>(T.CreateChecked(LearningRate), T.CreateChecked(Momentum), Velocity == null ? 0 : 1, Nesterov ? 1 : 0);
            Device.Launch(Device.Kernels<OptimizerGpu.Kernels<T>>().Sgd)(Device.Stride(Parameter.Length), Device.View<T>(Parameter), Device.View<T>(Gradient),
                Device.ViewOr<T>(Velocity, Parameter), s, (int)Parameter.Length);
        }
    }

    private readonly record struct AdamCall(GpuDevice Device, Tensor Parameter, Tensor Gradient, Tensor M, Tensor V, double LearningRate,
        double Beta1, double Beta2, double Epsilon, long Step) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Parameter.Length == 0) return;
            var s = AdamScalars<T>(LearningRate, Beta1, Beta2, Epsilon, Step);
            Device.Launch(Device.Kernels<OptimizerGpu.Kernels<T>>().Adam)(Device.Stride(Parameter.Length), Device.View<T>(Parameter), Device.View<T>(Gradient),
                Device.View<T>(M), Device.View<T>(V), s, (int)Parameter.Length);
        }
    }
}
