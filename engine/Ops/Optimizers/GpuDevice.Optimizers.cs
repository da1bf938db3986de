using System.Numerics;
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
            T beta1 = T.CreateChecked(Beta1), beta2 = T.CreateChecked(Beta2);
            var s = new OptimizerGpu.AdamScalars<T>(OptimizerReference.AdamStepSize(T.CreateChecked(LearningRate), beta1, beta2, Step), beta1, beta2,
                T.CreateChecked(Epsilon));
            Device.Launch(Device.Kernels<OptimizerGpu.Kernels<T>>().Adam)(Device.Stride(Parameter.Length), Device.View<T>(Parameter), Device.View<T>(Gradient),
                Device.View<T>(M), Device.View<T>(V), s, (int)Parameter.Length);
        }
    }
}
