using System.Numerics;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

// Rows of K = 4 to 8 logits are too short for SIMD: the CPU and reference devices both run the reference.
public abstract partial class HostDevice
{
    /// <inheritdoc/>
    public override LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null)
    {
        CheckCrossEntropyArguments(logits, labels, classWeight);
        int n = logits.Dim(0);
        double sum;
        int correct;
        (sum, correct) = Real.Run<CrossEntropyCall, (double, int)>(logits, new CrossEntropyCall(logits, labels, dLogits, classWeight));
        return new LossResult(n == 0 ? 0 : sum / n, correct);
    }

    private readonly record struct CrossEntropyCall(Tensor Logits, Tensor Labels, Tensor? DLogits, Tensor? ClassWeight) : IRealFunction<(double, int)>
    {
        public (double, int) Run<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            CrossEntropyReference.Compute<T>(Logits.AsSpan<T>(), Labels.AsSpan<int>(), DLogits == null ? default : DLogits.AsSpan<T>(),
                ClassWeight == null ? default : ClassWeight.AsSpan<T>(), Logits.Dim(0), Logits.Dim(1));
    }
}
