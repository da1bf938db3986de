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

    private ChannelSlices Slices(Tensor x)
    {
        var (n, c, s) = ChannelView(x);
        return Slices(n, c, s);
    }

    private readonly record struct BatchNormTrainingCall(GpuDevice Device, Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean,
        Tensor MovingVariance, double Momentum, double Epsilon, Tensor Y, Tensor BatchMean, Tensor BatchInvStd, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var slices = Device.Slices(X);
            if (slices.C == 0 || slices.Count == 0) return;
            var s = new BatchNormGpu.Scalars<T>(T.CreateChecked(Momentum), T.CreateChecked(Epsilon), T.CreateChecked(slices.Count), Relu ? 1 : 0);
            var k = Device.Kernels<BatchNormGpu.Kernels<T>>();
            var partials = Device.ScratchView<T>(Scratch.ChannelPartials, 2L * slices.Groups);
            var coefficients = Device.ScratchView<T>(Scratch.ChannelCoefficients, 3L * slices.C);
            var x = Device.View<T>(X);
            var counters = Device.ZeroedScratchView(Scratch.ChannelCounters, slices.C);
            Device.Launch(k.Statistics)((slices.Groups, Device.ReduceGroupSize), x, partials, counters, Device.View<T>(Gamma), Device.View<T>(Beta),
                Device.View<T>(MovingMean), Device.View<T>(MovingVariance), Device.View<T>(BatchMean), Device.View<T>(BatchInvStd), coefficients, slices, s);
            Device.Launch(k.Apply)(Device.Stride(X.Length), x, coefficients, Device.View<T>(Y), slices, s);
        }
    }

    private readonly record struct BatchNormInferenceCall(GpuDevice Device, Tensor X, Tensor Gamma, Tensor Beta, Tensor MovingMean,
        Tensor MovingVariance, double Epsilon, Tensor Y, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Length == 0) return;
            var slices = Device.Slices(X);
            var s = new BatchNormGpu.Scalars<T>(T.Zero, T.CreateChecked(Epsilon), T.One, Relu ? 1 : 0);
            var k = Device.Kernels<BatchNormGpu.Kernels<T>>();
            var coefficients = Device.ScratchView<T>(Scratch.ChannelCoefficients, 3L * slices.C);
            Device.Launch(k.InferenceCoefficients)(Device.Stride(slices.C), Device.View<T>(Gamma), Device.View<T>(Beta), Device.View<T>(MovingMean),
                Device.View<T>(MovingVariance), coefficients, slices, s);
            Device.Launch(k.Apply)(Device.Stride(X.Length), Device.View<T>(X), coefficients, Device.View<T>(Y), slices, s);
        }
    }

    private readonly record struct BatchNormBackwardCall(GpuDevice Device, Tensor X, Tensor Dy, Tensor Gamma, Tensor BatchMean, Tensor BatchInvStd,
        Tensor Dx, Tensor DGamma, Tensor DBeta, Tensor? ReluOutput) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var slices = Device.Slices(X);
            if (slices.C == 0) return;
            var s = new BatchNormGpu.Scalars<T>(T.Zero, T.Zero, T.CreateChecked(Math.Max(1, slices.Count)), ReluOutput == null ? 0 : 1);
            var k = Device.Kernels<BatchNormGpu.Kernels<T>>();
            var partials = Device.ScratchView<T>(Scratch.ChannelPartials, 2L * slices.Groups);
            var coefficients = Device.ScratchView<T>(Scratch.ChannelCoefficients, 3L * slices.C);
            ILGPU.ArrayView<T> x = Device.View<T>(X), dy = Device.View<T>(Dy), relu = Device.ViewOr<T>(ReluOutput, X), mean = Device.View<T>(BatchMean);
            var counters = Device.ZeroedScratchView(Scratch.ChannelCounters, slices.C);
            Device.Launch(k.BackwardSums)((slices.Groups, Device.ReduceGroupSize), x, dy, relu, mean, partials, counters, Device.View<T>(Gamma),
                Device.View<T>(BatchInvStd), Device.View<T>(DGamma), Device.View<T>(DBeta), coefficients, slices, s);
            if (X.Length > 0) Device.Launch(k.BackwardApply)(Device.Stride(X.Length), x, dy, relu, mean, coefficients, Device.View<T>(Dx), slices, s);
        }
    }
}
