using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Random;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Inverted dropout as ILGPU kernels (equations: <see cref="DropoutReference"/>). One thread per Philox block of four
/// elements calls the very <see cref="Philox4x32.Generate(uint, uint, uint, uint, uint, uint)"/> and
/// <see cref="Philox.ToUniform"/> the CPU uses, so the masks are the CPU's bit for bit.
/// </summary>
internal static class DropoutGpu
{
    /// <summary>The Philox key and counter words of one mask: seed halves, step, layer.</summary>
    internal readonly record struct Key(uint SeedLow, uint SeedHigh, uint Step, uint Layer);

    /// <summary>mask and y for elements 4·block .. 4·block + 3.</summary>
    public static void Forward<T>(Index1D block, ArrayView<T> x, ArrayView<T> y, ArrayView<T> mask, int n, float rate, T keep, Key key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Counter (low, high 32 bits of the block index, step, layer): the high word is 0 since tensors hold < 2^31 elements.
        Philox4x32Block words = Philox4x32.Generate((uint)block.X, 0, key.Step, key.Layer, key.SeedLow, key.SeedHigh);
        int first = block * 4;
        Apply(first, words.X0, x, y, mask, n, rate, keep);
        Apply(first + 1, words.X1, x, y, mask, n, rate, keep);
        Apply(first + 2, words.X2, x, y, mask, n, rate, keep);
        Apply(first + 3, words.X3, x, y, mask, n, rate, keep);
    }

    private static void Apply<T>(int i, uint word, ArrayView<T> x, ArrayView<T> y, ArrayView<T> mask, int n, float rate, T keep)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (i >= n) return;
        T m = Philox.ToUniform(word) < rate ? T.Zero : keep;
        mask[i] = m;
        y[i] = x[i] * m;
    }

    /// <summary>dx = dy ⊙ mask.</summary>
    public static void Backward<T>(Index1D i, ArrayView<T> dy, ArrayView<T> mask, ArrayView<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        dx[i] = dy[i] * mask[i];

    /// <summary>The dropout kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, float, T, Key> Forward { get; init; }
        public required Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, float, T, Key>(DropoutGpu.Forward),
            Backward = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>>(DropoutGpu.Backward),
        };
    }
}
