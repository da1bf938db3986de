using System.Numerics;
using System.Runtime.Intrinsics.X86;

using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Max pooling on the CPU (equations: <see cref="MaxPoolReference"/>): cores split the N*C [H, W] planes. The arg-max it records makes
/// the backward pass a scatter instead of a second search. The 2x2 / stride-2 window of the seed
/// models has a branch-free float32 path (<see cref="MaxPool2x2Vector"/>); everything else, float64
/// included, takes the general loop.
/// </summary>
internal static unsafe class MaxPoolCpu
{
    public static void Forward<T>(T* x, T* y, int* argmax, Pool2DGeometry g) where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
    {
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        bool vector2x2 = typeof(T) == typeof(float) && Avx512F.IsSupported
            && g.PoolHeight == 2 && g.PoolWidth == 2 && g.StrideHeight == 2 && g.StrideWidth == 2;
        CpuParallel.For(g.Batch * g.Channels, 16, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++)
            {
                T* src = x + (long)plane * inPlane;
                T* dst = y + (long)plane * outPlane;
                int* arg = argmax + (long)plane * outPlane;
                if (vector2x2)
                {
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        int top = 2 * i * g.InWidth;
                        MaxPool2x2Vector.Row((float*)(src + top), (float*)(src + top + g.InWidth), g.InWidth, top, g.OutWidth,
                            (float*)(dst + i * g.OutWidth), arg + i * g.OutWidth);
                    }
                    continue;
                }
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        int best = i * g.StrideHeight * g.InWidth + j * g.StrideWidth;
                        T bestValue = src[best];
                        for (int p = 0; p < g.PoolHeight; p++)
                            for (int q = 0; q < g.PoolWidth; q++)
                            {
                                int idx = (i * g.StrideHeight + p) * g.InWidth + j * g.StrideWidth + q;
                                // Strictly greater: the first maximum wins ties, as in TensorFlow.
                                if (src[idx] > bestValue) { bestValue = src[idx]; best = idx; }
                            }
                        dst[i * g.OutWidth + j] = bestValue;
                        arg[i * g.OutWidth + j] = best;
                    }
            }
        });
    }

    public static void Backward<T>(T* dy, int* argmax, T* dx, Pool2DGeometry g) where T : unmanaged, INumberBase<T>
    {
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        CpuParallel.For(g.Batch * g.Channels, 16, (p0, p1) =>
        {
            for (int plane = p0; plane < p1; plane++)
            {
                T* dst = dx + (long)plane * inPlane;
                T* src = dy + (long)plane * outPlane;
                int* arg = argmax + (long)plane * outPlane;
                new Span<T>(dst, inPlane).Clear();
                // += because overlapping windows (stride < pool) can pick the same pixel.
                for (int o = 0; o < outPlane; o++) dst[arg[o]] += src[o];
            }
        });
    }
}
