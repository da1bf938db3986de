using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false) =>
        Real.Run(x, new BatchNormTrainingCall(x, gamma, beta, movingMean, movingVariance, momentum, epsilon, y, batchMean, batchInvStd, relu));

    /// <inheritdoc/>
    public override void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance, double epsilon, Tensor y,
        bool relu = false) =>
        Real.Run(x, new BatchNormInferenceCall(x, gamma, beta, movingMean, movingVariance, epsilon, y, relu));

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd, Tensor dx, Tensor dGamma,
        Tensor dBeta, Tensor? reluOutput = null) =>
        Real.Run(x, new BatchNormBackwardCall(x, dy, gamma, batchMean, batchInvStd, dx, dGamma, dBeta, reluOutput));

    private readonly unsafe record struct BatchNormTrainingCall(Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean, Tensor MovingVariance,
        double Momentum, double Epsilon, Tensor Y, Tensor BatchMean, Tensor BatchInvStd, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormCpu.Training(P<T>(X), P<T>(Gamma), P<T>(Beta), P<T>(MovingMean), P<T>(MovingVariance), T.CreateChecked(Momentum),
                T.CreateChecked(Epsilon), P<T>(Y), P<T>(BatchMean), P<T>(BatchInvStd), n, c, s, Relu);
        }
    }

    private readonly unsafe record struct BatchNormInferenceCall(Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean, Tensor MovingVariance,
        double Epsilon, Tensor Y, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormCpu.Inference(P<T>(X), P<T>(Gamma), P<T>(Beta), P<T>(MovingMean), P<T>(MovingVariance), T.CreateChecked(Epsilon), P<T>(Y),
                n, c, s, Relu);
        }
    }

    private readonly unsafe record struct BatchNormBackwardCall(Tensor X, Tensor Dy, Tensor Gamma, Tensor BatchMean, Tensor BatchInvStd, Tensor Dx,
        Tensor DGamma, Tensor DBeta, Tensor? ReluOutput) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormCpu.Backward(P<T>(X), P<T>(Dy), P<T>(Gamma), P<T>(BatchMean), P<T>(BatchInvStd), P<T>(Dx), P<T>(DGamma), P<T>(DBeta),
                n, c, s, POrNull<T>(ReluOutput));
        }
    }
}
