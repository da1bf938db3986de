using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void AddScaled(Tensor y, Tensor x, double alpha)
    {
        CheckSameLayout(y, x);
        Real.Run(y, new AddScaledCall(y, x, alpha));
    }

    /// <inheritdoc/>
    public override double SumOfSquares(Tensor x) => Real.Run<SumOfSquaresCall, double>(x, new SumOfSquaresCall(x));

    private readonly record struct AddScaledCall(Tensor Y, Tensor X, double Alpha) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Blas1Reference.AddScaled<T>(Y.AsSpan<T>(), X.AsSpan<T>(), T.CreateChecked(Alpha));
    }

    private readonly record struct SumOfSquaresCall(Tensor X) : IRealFunction<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Blas1Reference.SumOfSquares<T>(X.AsSpan<T>());
    }
}
