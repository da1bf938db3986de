using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Random;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Inverted dropout as ILGPU kernels (equations: <see cref="DropoutReference"/>). A thread per Philox block of four
/// elements calls the very <see cref="Philox4x32.Generate(uint, uint, uint, uint, uint, uint)"/> and
/// <see cref="Philox.ToUniform"/> the CPU uses, so the masks are the CPU's bit for bit.
/// </summary>
internal static class DropoutGpu
{
    /// <summary>The Philox key and counter words of one mask: seed halves, step, layer.</summary>
    internal readonly record struct Key(uint SeedLow, uint SeedHigh, uint Step, uint Layer);

    /// <summary>mask and y for every block of four elements 4·b .. 4·b + 3 (a grid-stride loop over the blocks).</summary>
    public static void Forward<T>(ArrayView<T> x, ArrayView<T> y, ArrayView<T> mask, int n, float rate, T keep, Key key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int block = GridStride.First; block * 4 < n; block += GridStride.Step) Block(block, x, y, mask, n, rate, keep, key);
    }

    private static void Block<T>(int block, ArrayView<T> x, ArrayView<T> y, ArrayView<T> mask, int n, float rate, T keep, Key key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Counter (low, high 32 bits of the block index, step, layer): the high word is 0 since tensors hold < 2^31 elements.
        Philox4x32Block words = Philox4x32.Generate((uint)block, 0, key.Step, key.Layer, key.SeedLow, key.SeedHigh);
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
    public static void Backward<T>(ArrayView<T> dy, ArrayView<T> mask, ArrayView<T> dx, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = GridStride.First; i < n; i += GridStride.Step) dx[i] = dy[i] * mask[i];
    }

    /// <summary>The dropout kernels for element type T.</summary>
    internal sealed class Kernels<T> : IGpuKernels<Kernels<T>> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, float, T, Key> Forward { get; init; }
        public required Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> Backward { get; init; }

        public static Kernels<T> Load(Accelerator a) => new()
        {
            Forward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int, float, T, Key>(DropoutGpu.Forward),
            Backward = a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(DropoutGpu.Backward),
        };
    }
}
