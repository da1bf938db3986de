using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Cpu;

public sealed partial class CpuDevice
{
    /// <inheritdoc/>
    public override void AddRowBias(Tensor y, Tensor bias) => Real.Run(y, new AddRowBiasCall(y, bias));

    /// <inheritdoc/>
    public override void SumRows(Tensor x, Tensor sums) => Real.Run(x, new SumRowsCall(x, sums));

    private readonly unsafe record struct AddRowBiasCall(Tensor Y, Tensor Bias) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            BiasCpu.AddRowBias(P<T>(Y), P<T>(Bias), Y.Dim(0), (int)(Y.Length / Y.Dim(0)));
    }

    private readonly unsafe record struct SumRowsCall(Tensor X, Tensor Sums) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            BiasCpu.SumRows(P<T>(X), P<T>(Sums), X.Dim(0), (int)(X.Length / X.Dim(0)));
    }
}
