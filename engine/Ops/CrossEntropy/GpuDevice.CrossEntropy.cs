using System.Numerics;
using System.Runtime.InteropServices;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override LossResult SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor? dLogits, Tensor? classWeight = null)
    {
        CheckCrossEntropyArguments(logits, labels, classWeight);
        if (logits.Dim(0) == 0) return new LossResult(0, 0);
        return Real.Run<CrossEntropyCall, LossResult>(logits, new CrossEntropyCall(this, logits, labels, dLogits, classWeight));
    }

    /// <summary>Both kernels, then the step's one read-back: a block of 16 bytes holding the loss sum (T at byte 0) and
    /// the hit and bad-label counts (two Int32 at byte 8).</summary>
    private readonly record struct CrossEntropyCall(GpuDevice Device, Tensor Logits, Tensor Labels, Tensor? DLogits, Tensor? ClassWeight)
        : IRealFunction<LossResult>
    {
        public LossResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int n = Logits.Dim(0), k = Logits.Dim(1);
            var kernels = Device.Kernels<CrossEntropyGpu.Kernels<T>>();
            GpuBuffer rowLoss = Device.ScratchBuffer(Scratch.LossRows, (long)n * Marshal.SizeOf<T>());
            GpuBuffer rowHit = Device.ScratchBuffer(Scratch.LossHits, (long)n * sizeof(int));
            GpuBuffer result = Device.ScratchBuffer(Scratch.LossTotal, 16);
            var scalars = new CrossEntropyGpu.Scalars<T>(k, T.One / T.CreateChecked(n), DLogits == null ? 0 : 1, ClassWeight == null ? 0 : 1, n);
            Device.Launch(kernels.Rows)(Device.Stride(n), Device.View<T>(Logits), Device.View<int>(Labels), Device.ViewOr<T>(DLogits, Logits),
                Device.ViewOr<T>(ClassWeight, Logits), rowLoss.View<T>(n), rowHit.View<int>(n), scalars);
            var bytes = result.Memory.View.AsContiguous();
            Device.Launch(kernels.Total)((1, Device.ReduceGroupSize), rowLoss.View<T>(n), rowHit.View<int>(n), n,
                bytes.SubView(0, 8).Cast<T>().SubView(0, 1), bytes.SubView(8, 8).Cast<int>());

            Span<byte> host = stackalloc byte[16];
            Device.ReadBack(result, host);
            double loss = double.CreateChecked(MemoryMarshal.Read<T>(host));
            int correct = MemoryMarshal.Read<int>(host[8..]), bad = MemoryMarshal.Read<int>(host[12..]);
            if (bad > 0) Device.ThrowBadLabel(Labels, k);
            return new LossResult(loss / n, correct);
        }
    }

    /// <summary>Rare error path: reads the labels back to name the first one outside [0, K), as the host devices do.</summary>
    private void ThrowBadLabel(Tensor labels, int k)
    {
        var host = new int[labels.Length];
        Download<int>(labels, host);
        int sample = Array.FindIndex(host, label => (uint)label >= (uint)k);
        throw new ArgumentException($"label {host[sample]} of sample {sample} is outside [0, {k})");
    }
}
