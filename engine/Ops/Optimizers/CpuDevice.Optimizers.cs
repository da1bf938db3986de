using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void SgdUpdate(Tensor parameter, Tensor gradient, Tensor? velocity, double learningRate, double momentum, bool nesterov) =>
        Real.Run(parameter, new SgdCall(parameter, gradient, velocity, learningRate, momentum, nesterov));

    /// <inheritdoc/>
    public override void AdamUpdate(Tensor parameter, Tensor gradient, Tensor m, Tensor v, double learningRate, double beta1, double beta2,
        double epsilon, long t) =>
        Real.Run(parameter, new AdamCall(parameter, gradient, m, v, learningRate, beta1, beta2, epsilon, t));

    private readonly unsafe record struct SgdCall(Tensor Parameter, Tensor Gradient, Tensor? Velocity, double LearningRate, double Momentum, bool Nesterov)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            OptimizerCpu.Sgd(P<T>(Parameter), P<T>(Gradient), POrNull<T>(Velocity), Parameter.Length, T.CreateChecked(LearningRate), T.CreateChecked(Momentum), Nesterov);
    }

    private readonly unsafe record struct AdamCall(Tensor Parameter, Tensor Gradient, Tensor M, Tensor V, double LearningRate, double Beta1, double Beta2,
        double Epsilon, long Step) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            OptimizerCpu.Adam(P<T>(Parameter), P<T>(Gradient), P<T>(M), P<T>(V), Parameter.Length, T.CreateChecked(LearningRate),
                T.CreateChecked(Beta1), T.CreateChecked(Beta2), T.CreateChecked(Epsilon), Step);
    }
}
