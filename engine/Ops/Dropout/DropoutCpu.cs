using System.Numerics;
using System.Runtime.Intrinsics;
using NativeCnn.Engine.Random;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Inverted dropout with a counter-based mask: element i's uniform draw is
/// <see cref="Philox.Uniform"/>(seed, step, layer, i), so the mask depends neither on thread
/// scheduling nor on the backend.
/// </summary>
internal static unsafe class DropoutCpu
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
                int j = 0;
                if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
                    j = KeepOrDrop(uniforms[..count], threshold, (float)(object)keepScale, (float*)(x + i0), (float*)(y + i0), (float*)(mask + i0));
                for (; j < count; j++)
                {
                    T m = uniforms[j] < threshold ? T.Zero : keepScale;
                    mask[i0 + j] = m;
                    y[i0 + j] = x[i0 + j] * m;
                }
            }
        });
    }

    /// <summary>Branch-free float32 body (a drop happens at random, so a branch would mispredict often):
    /// mask = u &lt; rate ? 0 : keepScale, y = x * mask, one vector at a time; returns how many elements it did.</summary>
    private static int KeepOrDrop(ReadOnlySpan<float> uniforms, float threshold, float keepScale, float* x, float* y, float* mask)
    {
        int j = 0;
        var rate = Vector512.Create(threshold);
        var keep = Vector512.Create(keepScale);
        fixed (float* u = uniforms)
            for (; j + Vector512<float>.Count <= uniforms.Length; j += Vector512<float>.Count)
            {
                var m = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Load(u + j), rate), Vector512<float>.Zero, keep);
                m.Store(mask + j);
                (Vector512.Load(x + j) * m).Store(y + j);
            }
        return j;
    }
}
