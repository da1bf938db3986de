using System.Numerics;
using NativeCnn.Engine.Random;

namespace NativeCnn.Engine.Devices.Cpu.Kernels;

/// <summary>
/// Inverted dropout with a counter-based mask: element i's uniform draw is
/// <see cref="Philox.Uniform"/>(seed, step, layer, i), so the mask depends neither on thread
/// scheduling nor on the backend.
/// </summary>
internal static unsafe class Dropout
{
    private const int Chunk = 1024;

    public static void Forward<T>(T* x, T* y, T* mask, long length, double rate, ulong seed, ulong step, uint layerId)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keepScale = T.CreateChecked(1.0 / (1.0 - rate));
        float threshold = (float)rate;
        CpuParallel.For(checked((int)length), 1 << 14, (start, end) =>
        {
            Span<float> uniforms = stackalloc float[Chunk];
            for (int i0 = start; i0 < end; i0 += Chunk)
            {
                int count = Math.Min(Chunk, end - i0);
                Philox.FillUniform(uniforms[..count], seed, (uint)step, layerId, i0);
                for (int j = 0; j < count; j++)
                {
                    T m = uniforms[j] < threshold ? T.Zero : keepScale;
                    mask[i0 + j] = m;
                    y[i0 + j] = x[i0 + j] * m;
                }
            }
        });
    }
}
