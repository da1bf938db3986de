using System.Numerics;
using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Convolution on the CPU (equations: <see cref="ConvolutionReference"/>) as GEMM over groups of images (batch folding): each core unrolls a group of
/// its images with im2col into one wide matrix, so even 6x6 feature maps feed the GEMM
/// thousands of columns. Cores split the batch; each GEMM runs on its own core only.
/// Forward:         Y[O, imgs*OHW]   = W[O, K] · cols[K, imgs*OHW]
/// Backward-filter: dW[O, K]        += dY[O, imgs*OHW] · cols^T
/// Backward-data:   dcols[K, imgs*OHW] = W^T · dY, then col2im.
/// 3x3 stride-1 layers that <see cref="Winograd.Applies"/> to go to <see cref="Winograd"/> instead (unless the device
/// was made with <see cref="ConvolutionAlgorithm.Im2Col"/>).
/// </summary>
internal sealed unsafe class ConvolutionCpu : IDisposable
{
    // Largest im2col matrix per core, in elements: 4 MiB of float32 keeps one group's
    // columns and outputs in L3 while the GEMM streams them.
    private const long ColumnBudget = 1L << 20;

    // Columns of the GEMM's register tile (Vector512 float kernel).
    private const int TileColumns = 64;

    // From this many output pixels one image already gives the GEMMs enough columns (8 register tiles) and deep
    // inner products for dW; more images would only add a pass that gathers dY into (and scatters Y out of) [O, images*S].
    private const int OneImagePixels = 512;

    private const int SlotColumns = 0, SlotOutput = 1, SlotKernelGradient = 2, SlotBiasGradient = 3;
    private readonly Workspace _workspace = new(CpuParallel.Workers, 4);
    private readonly Winograd _winograd = new();
    private readonly bool _useWinograd;

    /// <param name="algorithm">Which method runs 3x3 stride-1 layers: see <see cref="ConvolutionAlgorithm"/>.</param>
    public ConvolutionCpu(ConvolutionAlgorithm algorithm = ConvolutionAlgorithm.Auto) => _useWinograd = algorithm == ConvolutionAlgorithm.Auto;

    private static int GroupSize(in Conv2DGeometry g, int images)
    {
        if (g.OutPixels >= OneImagePixels) return 1;
        long perImage = Math.Max(1L, (long)g.PatchSize * g.OutPixels);
        int byBudget = (int)Math.Clamp(ColumnBudget / perImage, 1, Math.Max(1, images));
        // Small feature maps (6x6, 5x5) give widths like 6 * 36 = 216, which fill only 3.4 of the GEMM's 64-column
        // register tiles. Up to four times the budget, take the smallest group whose width wastes under 2 %. Deep
        // patches stay at one image: two would push the column matrix out of L3's share (measured slower).
        if (byBudget == 1) return 1;
        int most = (int)Math.Clamp(4 * ColumnBudget / perImage, 1, Math.Max(1, images));
        for (int group = byBudget; group <= most; group++)
        {
            long width = (long)group * g.OutPixels, padded = (width + TileColumns - 1) / TileColumns * TileColumns;
            if (padded - width <= width / 50) return group;
        }
        return byBudget;
    }

    public void Forward<T>(T* x, T* kernel, T* bias, T* y, Conv2DGeometry g, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_useWinograd && Winograd.Applies(g))
        {
            _winograd.Forward(x, kernel, bias, y, g, relu);
            return;
        }
        int k = g.PatchSize, ohw = g.OutPixels, o = g.OutChannels;
        CpuParallel.ForWorkers(g.Batch, (worker, start, end) =>
        {
            int group = GroupSize(g, end - start);
            T* cols = _workspace.Get<T>(worker, SlotColumns, (long)k * group * ohw);
            T* product = _workspace.Get<T>(worker, SlotOutput, (long)o * group * ohw);
            for (int n0 = start; n0 < end; n0 += group)
            {
                int images = Math.Min(group, end - n0), width = images * ohw;
                Im2Col.Unroll(x + (long)n0 * g.InChannels * g.InPixels, images, g, cols);
                // One image: the GEMM result already has y's [O, OH*OW] layout.
                T* target = images == 1 ? y + (long)n0 * o * ohw : product;
                Gemm.Multiply(false, false, o, width, k, T.One, kernel, k, cols, width, T.Zero, target, width, maxThreads: 1);
                for (int img = 0; img < images; img++)
                    for (int oc = 0; oc < o; oc++)
                    {
                        T* dst = y + ((long)(n0 + img) * o + oc) * ohw;
                        T* src = target + (long)oc * width + img * ohw;
                        VectorLoop.AddScalar(src, bias == null ? T.Zero : bias[oc], dst, ohw, relu);
                    }
            }
        });
    }

    public void Backward<T>(T* x, T* kernel, T* dy, T* dx, T* dKernel, T* dBias, Conv2DGeometry g, T* reluOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(_useWinograd && Winograd.Applies(g)))
        {
            Im2ColBackward(x, kernel, dy, dx, dKernel, dBias, g, reluOutput);
            return;
        }
        // Winograd's transforms read dY tile by tile, so the fused ReLU's mask is applied to all of it first.
        MaskAndBiasGradient(dy, reluOutput, g, dBias);
        _winograd.BackwardKernel(x, dy, dKernel, g);
        if (dx != null) _winograd.BackwardData(kernel, dy, dx, g);
    }

    /// <summary>The im2col backward pass: kernel and bias gradients, and the data gradient when <paramref name="dx"/> is not null.</summary>
    private void Im2ColBackward<T>(T* x, T* kernel, T* dy, T* dx, T* dKernel, T* dBias, Conv2DGeometry g, T* reluOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.PatchSize, ohw = g.OutPixels, o = g.OutChannels;
        int workers = Math.Clamp(g.Batch, 1, CpuParallel.Workers);
        CpuParallel.ForWorkers(g.Batch, (worker, start, end) =>
        {
            int group = GroupSize(g, end - start);
            T* cols = _workspace.Get<T>(worker, SlotColumns, (long)k * group * ohw);
            T* gathered = _workspace.Get<T>(worker, SlotOutput, (long)o * group * ohw);
            T* kernelGradient = _workspace.Get<T>(worker, SlotKernelGradient, (long)o * k);
            T* biasGradient = _workspace.Get<T>(worker, SlotBiasGradient, o);
            new Span<T>(kernelGradient, o * k).Clear();
            new Span<T>(biasGradient, o).Clear();
            for (int n0 = start; n0 < end; n0 += group)
            {
                int images = Math.Min(group, end - n0), width = images * ohw;
                long offset = (long)n0 * o * ohw;
                T* dyGroup = images == 1 ? dy + offset : gathered;
                // The fused ReLU's backward step, done here while this group's gradients pass through the cache anyway.
                if (images == 1 && reluOutput != null)
                    VectorLoop.MapRange<T, ReluGradientOp<T>>(reluOutput + offset, dy + offset, dy + offset, o * ohw);
                if (images > 1) GatherChannelsFirst(dy + offset, reluOutput == null ? null : reluOutput + offset, images, o, ohw, gathered);
                for (int oc = 0; oc < o; oc++) biasGradient[oc] += VectorLoop.Sum(dyGroup + (long)oc * width, width);

                Im2Col.Unroll(x + (long)n0 * g.InChannels * g.InPixels, images, g, cols);
                // dW += dY · colsᵀ, the pixels as depth (Gemm takes its inner-product form when O and K are small).
                Gemm.Multiply(false, true, o, k, width, T.One, dyGroup, width, cols, width, T.One, kernelGradient, k, maxThreads: 1);
                if (dx == null) continue;

                Gemm.Multiply(true, false, k, width, o, T.One, kernel, k, dyGroup, width, T.Zero, cols, width, maxThreads: 1);
                T* dxGroup = dx + (long)n0 * g.InChannels * g.InPixels;
                new Span<T>(dxGroup, images * g.InChannels * g.InPixels).Clear();
                Im2Col.Fold(cols, images, g, dxGroup);
            }
        });
        // Sum the per-core partial gradients in a fixed order so results do not depend on timing.
        SumPartials(workers, SlotKernelGradient, (long)o * k, dKernel);
        if (dBias != null) SumPartials(workers, SlotBiasGradient, o, dBias);
    }

    /// <summary>
    /// dY ⊙= [y &gt; 0] when <paramref name="reluOutput"/> (the fused ReLU's output y) is not null, and dBias[o] = Σ over
    /// images and pixels of dY[n, o, ·] when <paramref name="dBias"/> is not null: one pass over dY, each row summed
    /// while it is still in L1 after masking; one output channel per task (a fixed summation order).
    /// </summary>
    private static void MaskAndBiasGradient<T>(T* dy, T* reluOutput, in Conv2DGeometry g, T* dBias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (reluOutput == null && dBias == null) return;
        int o = g.OutChannels, ohw = g.OutPixels, batch = g.Batch;
        CpuParallel.For(o, 8, (start, end) =>
        {
            for (int oc = start; oc < end; oc++)
            {
                T sum = T.Zero;
                for (int n = 0; n < batch; n++)
                {
                    long offset = ((long)n * o + oc) * ohw;
                    if (reluOutput != null) VectorLoop.MapRange<T, ReluGradientOp<T>>(reluOutput + offset, dy + offset, dy + offset, ohw);
                    if (dBias != null) sum += VectorLoop.Sum(dy + offset, ohw);
                }
                if (dBias != null) dBias[oc] = sum;
            }
        });
    }

    private void SumPartials<T>(int workers, int slot, long length, T* destination) where T : unmanaged, INumberBase<T> =>
        new ReadOnlySpan<T>(_workspace.SumOverWorkers<T>(workers, slot, length), (int)length).CopyTo(new Span<T>(destination, (int)length));

    /// <summary>[images, O, S] → [O, images*S], so one GEMM sees a group's gradients as one matrix; masked by
    /// [y &gt; 0] on the way when <paramref name="reluOutput"/> (the fused ReLU's output y) is not null.</summary>
    private static void GatherChannelsFirst<T>(T* src, T* reluOutput, int images, int channels, int pixels, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long rowBytes = (long)pixels * sizeof(T);
        for (int img = 0; img < images; img++)
            for (int c = 0; c < channels; c++)
            {
                long from = ((long)img * channels + c) * pixels;
                T* to = dst + (long)c * images * pixels + (long)img * pixels;
                if (reluOutput == null) Buffer.MemoryCopy(src + from, to, rowBytes, rowBytes);
                else VectorLoop.MapRange<T, ReluGradientOp<T>>(reluOutput + from, src + from, to, pixels);
            }
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _winograd.Dispose();
    }
}
