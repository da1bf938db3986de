using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance,
        double momentum, double epsilon, Tensor y, Tensor batchMean, Tensor batchInvStd, bool relu = false) =>
        Real.Run(x, new BatchNormTrainingCall(this, x, gamma, beta, movingMean, movingVariance, momentum, epsilon, y, batchMean, batchInvStd, relu));

    /// <inheritdoc/>
    public override void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor movingMean, Tensor movingVariance, double epsilon, Tensor y,
        bool relu = false) =>
        Real.Run(x, new BatchNormInferenceCall(this, x, gamma, beta, movingMean, movingVariance, epsilon, y, relu));

    /// <inheritdoc/>
    public override void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor batchMean, Tensor batchInvStd, Tensor dx, Tensor dGamma,
        Tensor dBeta, Tensor? reluOutput = null) =>
        Real.Run(x, new BatchNormBackwardCall(this, x, dy, gamma, batchMean, batchInvStd, dx, dGamma, dBeta, reluOutput));

    private static ChannelShape Shape(Tensor x)
    {
        var (n, c, s) = ChannelView(x);
        return new ChannelShape(n, c, s);
    }

    private readonly record struct BatchNormTrainingCall(GpuDevice Device, Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean,
        Tensor MovingVariance, double Momentum, double Epsilon, Tensor Y, Tensor BatchMean, Tensor BatchInvStd, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var shape = Shape(X);
            var s = new BatchNormGpu.Scalars<T>(T.CreateChecked(Momentum), T.CreateChecked(Epsilon), T.CreateChecked(shape.Count), Relu ? 1 : 0);
            Device.Launch(Device.Kernels<BatchNormGpu.Kernels<T>>().Training)((shape.C, Device.ReduceGroupSize), Device.View<T>(X),
                Device.View<T>(Gamma), Device.View<T>(Beta), Device.View<T>(MovingMean), Device.View<T>(MovingVariance), Device.View<T>(Y),
                Device.View<T>(BatchMean), Device.View<T>(BatchInvStd), shape, s);
        }
    }

    private readonly record struct BatchNormInferenceCall(GpuDevice Device, Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean,
        Tensor MovingVariance, double Epsilon, Tensor Y, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Length == 0) return;
            var shape = Shape(X);
            var s = new BatchNormGpu.Scalars<T>(T.Zero, T.CreateChecked(Epsilon), T.CreateChecked(shape.Count), Relu ? 1 : 0);
            Device.Launch(Device.Kernels<BatchNormGpu.Kernels<T>>().Inference)(Device.Stride(X.Length), Device.View<T>(X), Device.View<T>(Gamma),
                Device.View<T>(Beta), Device.View<T>(MovingMean), Device.View<T>(MovingVariance), Device.View<T>(Y), shape, s);
        }
    }

    private readonly record struct BatchNormBackwardCall(GpuDevice Device, Tensor X, Tensor Dy, Tensor Gamma, Tensor BatchMean, Tensor BatchInvStd,
        Tensor Dx, Tensor DGamma, Tensor DBeta, Tensor? ReluOutput) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var shape = Shape(X);
            var s = new BatchNormGpu.Scalars<T>(T.Zero, T.Zero, T.CreateChecked(shape.Count), ReluOutput == null ? 0 : 1);
            Device.Launch(Device.Kernels<BatchNormGpu.Kernels<T>>().Backward)((shape.C, Device.ReduceGroupSize), Device.View<T>(X), Device.View<T>(Dy),
                Device.View<T>(Gamma), Device.View<T>(BatchMean), Device.View<T>(BatchInvStd), Device.View<T>(Dx), Device.View<T>(DGamma),
                Device.View<T>(DBeta), Device.ViewOr<T>(ReluOutput, X), shape, s);
        }
    }
}
