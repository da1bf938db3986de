using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void Conv2DForward(Tensor x, Tensor kernel, Tensor? bias, Tensor y, in Conv2DGeometry g, bool relu = false)
    {
        Real.Run(x, new ConvForwardCall(x, kernel, bias, y, g));
        if (relu) ReluForward(y, y);
    }

    /// <inheritdoc/>
    public override void Conv2DBackward(Tensor x, Tensor kernel, Tensor dy, Tensor? dx, Tensor dKernel, Tensor? dBias, in Conv2DGeometry g,
        Tensor? reluOutput = null)
    {
        if (reluOutput != null) ReluBackward(reluOutput, dy, dy);
        Real.Run(x, new ConvBackwardCall(x, kernel, dy, dx, dKernel, dBias, g));
    }

    private readonly record struct ConvForwardCall(Tensor X, Tensor Kernel, Tensor? Bias, Tensor Y, Conv2DGeometry G) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            ConvolutionReference.Forward<T>(X.AsSpan<T>(), Kernel.AsSpan<T>(), Bias == null ? default : Bias.AsSpan<T>(), Y.AsSpan<T>(), G);
    }

    private readonly record struct ConvBackwardCall(Tensor X, Tensor Kernel, Tensor Dy, Tensor? Dx, Tensor DKernel, Tensor? DBias, Conv2DGeometry G)
        : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            ConvolutionReference.Backward<T>(X.AsSpan<T>(), Kernel.AsSpan<T>(), Dy.AsSpan<T>(), Dx == null ? default : Dx.AsSpan<T>(),
                DKernel.AsSpan<T>(), DBias == null ? default : DBias.AsSpan<T>(), G);
    }
}
