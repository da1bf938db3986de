using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false) =>
        Real.Run(x, new ConvForwardCall(_convolution, x, kernel, bias, y, g, relu));

    /// <inheritdoc/>
    public override void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null) =>
        Real.Run(x, new ConvBackwardCall(_convolution, x, kernel, dy, dx, dKernel, dBias, g, reluOutput));

    private readonly unsafe record struct ConvForwardCall(ConvolutionCpu Convolution, Tensor X, Tensor Kernel, Tensor? Bias, Tensor Y,
        Conv2DGeometry G, bool Relu) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Convolution.Forward(P<T>(X), P<T>(Kernel), POrNull<T>(Bias), P<T>(Y), G, Relu);
    }

    private readonly unsafe record struct ConvBackwardCall(ConvolutionCpu Convolution, Tensor X, Tensor Kernel, Tensor Dy, Tensor? Dx, Tensor DKernel,
        Tensor? DBias, Conv2DGeometry G, Tensor? ReluOutput) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Convolution.Backward(P<T>(X), P<T>(Kernel), P<T>(Dy), POrNull<T>(Dx), P<T>(DKernel), POrNull<T>(DBias), G, POrNull<T>(ReluOutput));
    }
}
