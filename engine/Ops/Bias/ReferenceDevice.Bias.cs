using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Reference;

public sealed partial class ReferenceDevice
{
    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias) => Real.Run(y, new AddRowBiasCall(y, bias));

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums) => Real.Run(x, new SumRowsCall(x, sums));

    private readonly record struct AddRowBiasCall(Tensor Y, Tensor Bias) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            BiasReference.AddRowBias<T>(Y.AsSpan<T>(), Bias.AsSpan<T>(), Y.Dim(0), (int)(Y.Length / Y.Dim(0)));
    }

    private readonly record struct SumRowsCall(Tensor X, Tensor Sums) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            BiasReference.SumRows<T>(X.AsSpan<T>(), Sums.AsSpan<T>(), X.Dim(0), (int)(X.Length / X.Dim(0)));
    }
}
