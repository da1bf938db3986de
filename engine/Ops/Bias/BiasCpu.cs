using System.Numerics;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>The Dense bias on the CPU, one vector loop per row (equations: <see cref="BiasReference"/>).</summary>
internal static unsafe class BiasCpu
{
    public static void AddRowBias<T>(T* y, T* bias, int n, int f) where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < n; i++)
            VectorLoop.Map<T, AddOp<T>>(y + (long)i * f, bias, y + (long)i * f, f);
    }

    public static void SumRows<T>(T* x, T* sums, int n, int f) where T : unmanaged, INumberBase<T>
    {
        new Span<T>(sums, f).Clear();
        for (int i = 0; i < n; i++)
            VectorLoop.Map<T, AddOp<T>>(sums, x + (long)i * f, sums, f);
    }
}
