using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The fused softmax cross-entropy as ILGPU kernels (equations: <see cref="CrossEntropyReference"/>): a thread per
/// sample writes its weighted loss term, its hit (1 correct, 0 not, -1 label outside [0, K)) and its row of ∂L/∂z; then
/// one work-group adds the terms and counts the hits, so the host reads back one small block per step.
/// </summary>
internal static class CrossEntropyGpu
{
    /// <summary>The scalars of one call.</summary>
    /// <param name="Classes">K.</param>
    /// <param name="InverseBatch">1/N in the element type.</param>
    /// <param name="HasGradient">1 to write ∂L/∂z.</param>
    /// <param name="HasClassWeight">1 to weight by the label's class weight.</param>
    /// <param name="Rows">N.</param>
    internal readonly record struct Scalars<T>(int Classes, T InverseBatch, int HasGradient, int HasClassWeight, int Rows) where T : unmanaged;

    /// <summary>Loss term, hit and gradient row of every sample (a grid-stride loop over the rows).</summary>
    public static void Rows<T>(ArrayView<T> logits, ArrayView<int> labels, ArrayView<T> dLogits, ArrayView<T> classWeight,
        ArrayView<T> rowLoss, ArrayView<int> rowHit, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int row = GridStride.First; row < s.Rows; row += GridStride.Step) Row(row, logits, labels, dLogits, classWeight, rowLoss, rowHit, s);
    }

    private static void Row<T>(int row, ArrayView<T> logits, ArrayView<int> labels, ArrayView<T> dLogits, ArrayView<T> classWeight,
        ArrayView<T> rowLoss, ArrayView<int> rowHit, Scalars<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = s.Classes, first = row * k, label = labels[row];
        if (label < 0 || label >= k)
        {
            rowLoss[row] = T.Zero;
            rowHit[row] = -1;
            return;
        }
        int best = 0;
        T max = logits[first];
        for (int j = 1; j < k; j++)
            if (logits[first + j] > max)
            {
                max = logits[first + j];
                best = j;
            }
        T sumExp = T.Zero;
        for (int j = 0; j < k; j++) sumExp += T.Exp(logits[first + j] - max);
        T logSumExp = max + T.Log(sumExp);
        T weight = s.HasClassWeight != 0 ? classWeight[label] : T.One;
        rowLoss[row] = weight * (logSumExp - logits[first + label]);
        rowHit[row] = best == label ? 1 : 0;
        if (s.HasGradient == 0) return;
        T scale = weight * s.InverseBatch;
        for (int j = 0; j < k; j++) dLogits[first + j] = T.Exp(logits[first + j] - logSumExp) * scale;
        dLogits[first + label] -= scale;
    }

    /// <summary>One work-group: total[0] = Σ loss terms; counts[0] = hits, counts[1] = labels out of range.</summary>
    public static void Total<T>(ArrayView<T> rowLoss, ArrayView<int> rowHit, int rows, ArrayView<T> total, ArrayView<int> counts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var realScratch = SharedMemory.Allocate<T>(GroupReduce.MaxGroupSize);
        var countScratch = SharedMemory.Allocate<int>(GroupReduce.MaxGroupSize);
        T loss = T.Zero;
        int hits = 0, bad = 0;
        for (int t = Group.IdxX; t < rows; t += Group.DimX)
        {
            loss += rowLoss[t];
            hits += rowHit[t] == 1 ? 1 : 0;
            bad += rowHit[t] < 0 ? 1 : 0;
        }
        loss = GroupReduce.Sum(realScratch, loss);
        hits = GroupReduce.Sum(countScratch, hits);
        bad = GroupReduce.Sum(countScratch, bad);
        if (Group.IdxX != 0) return;
        total[0] = loss;
        counts[0] = hits;
        counts[1] = bad;
    }

    /// <summary>The cross-entropy kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, Scalars<T>> Rows { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<int>, int, ArrayView<T>, ArrayView<int>> Total { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Rows = a.LoadStreamKernel<ArrayView<T>, ArrayView<int>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, Scalars<T>>(CrossEntropyGpu.Rows),
            Total = a.LoadStreamKernel<ArrayView<T>, ArrayView<int>, int, ArrayView<T>, ArrayView<int>>(CrossEntropyGpu.Total),
        };
    }
}
