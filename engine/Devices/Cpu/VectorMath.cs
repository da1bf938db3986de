using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>
/// Generic wrappers for vector instructions .NET exposes only for concrete element types, shared
/// by the GEMM micro-kernels and the other CPU kernels.
/// </summary>
internal static class VectorMath
{
    /// <summary>x * y + z, fused (one rounding) on float and double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // typeof(T) tests are constants for each instantiation, so only one branch survives JIT compilation.
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        }

        return x * y + z;
    }

    /// <summary>x * y + z; fused where the FMA3 instructions exist (there is no fast software FMA fallback).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        if (System.Runtime.Intrinsics.X86.Fma.IsSupported && typeof(T) == typeof(double))
        {
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        }

        return x * y + z;
    }
}
