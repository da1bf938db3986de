using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false)
    {
        Real.Run(x, new BatchNormTrainingCall(x, gamma, beta, movingMean, movingVariance, momentum, epsilon, y, batchMean, batchInvStd));
        if (relu) ReluForward(y, y);
    }

    /// <inheritdoc/>
    public override void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance, double epsilon, Tensor y,
        bool relu = false)
    {
        Real.Run(x, new BatchNormInferenceCall(x, gamma, beta, movingMean, movingVariance, epsilon, y));
        if (relu) ReluForward(y, y);
    }

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd, Tensor dx, Tensor dGamma,
        Tensor dBeta, Tensor? reluOutput = null)
    {
        if (reluOutput != null) ReluBackward(reluOutput, dy, dy);
        Real.Run(x, new BatchNormBackwardCall(x, dy, gamma, batchMean, batchInvStd, dx, dGamma, dBeta));
    }

    private readonly record struct BatchNormTrainingCall(Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean, Tensor MovingVariance,
        double Momentum, double Epsilon, Tensor Y, Tensor BatchMean, Tensor BatchInvStd) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormReference.Training<T>(X.AsSpan<T>(), Gamma.AsSpan<T>(), Beta.AsSpan<T>(), MovingMean.AsSpan<T>(), MovingVariance.AsSpan<T>(),
                T.CreateChecked(Momentum), T.CreateChecked(Epsilon), Y.AsSpan<T>(), BatchMean.AsSpan<T>(), BatchInvStd.AsSpan<T>(), n, c, s);
        }
    }

    private readonly record struct BatchNormInferenceCall(Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean, Tensor MovingVariance,
        double Epsilon, Tensor Y) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormReference.Inference<T>(X.AsSpan<T>(), Gamma.AsSpan<T>(), Beta.AsSpan<T>(), MovingMean.AsSpan<T>(), MovingVariance.AsSpan<T>(),
                T.CreateChecked(Epsilon), Y.AsSpan<T>(), n, c, s);
        }
    }

    private readonly record struct BatchNormBackwardCall(Tensor X, Tensor Dy, Tensor Gamma, Tensor BatchMean, Tensor BatchInvStd, Tensor Dx,
        Tensor DGamma, Tensor DBeta) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (n, c, s) = ChannelView(X);
            BatchNormReference.Backward<T>(X.AsSpan<T>(), Dy.AsSpan<T>(), Gamma.AsSpan<T>(), BatchMean.AsSpan<T>(), BatchInvStd.AsSpan<T>(),
                Dx.AsSpan<T>(), DGamma.AsSpan<T>(), DBeta.AsSpan<T>(), n, c, s);
        }
    }
}
