using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void AddScaled(Tensor y, Tensor x, double alpha)
    {
        CheckSameLayout(y, x);
        Real.Run(y, new AddScaledCall(y, x, alpha));
    }

    /// <inheritdoc/>
    public override double SumOfSquares(Tensor x) => Real.Run<SumOfSquaresCall, double>(x, new SumOfSquaresCall(x));

    private readonly unsafe record struct AddScaledCall(Tensor Y, Tensor X, double Alpha) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Blas1Cpu.AddScaled(P<T>(Y), P<T>(X), T.CreateChecked(Alpha), Y.Length);
    }

    private readonly unsafe record struct SumOfSquaresCall(Tensor X) : IRealFunction<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T> => Blas1Cpu.SumOfSquares(P<T>(X), X.Length);
    }
}
