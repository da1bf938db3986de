using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// Four consecutive elements held as four registers. A view of T cast to Quad&lt;T&gt; reads and writes 16 (float32) or
/// 32 (float64) bytes at a time: ILGPU emits PTX's vector loads and stores (<c>ld.v4.f32</c>, <c>st.shared.v4.f32</c>)
/// for them, the "vectorised access" step of siboehm's SGEMM kernels; a kernel's local Quad values stay in registers.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Quad<T>(T x, T y, T z, T w) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Element 0.</summary>
    public T X = x;
    /// <summary>Element 1.</summary>
    public T Y = y;
    /// <summary>Element 2.</summary>
    public T Z = z;
    /// <summary>Element 3.</summary>
    public T W = w;

    /// <summary>a·b + c element-wise, each a fused multiply-add.</summary>
    public static Quad<T> MultiplyAdd(T a, Quad<T> b, Quad<T> c) =>
        new(T.FusedMultiplyAdd(a, b.X, c.X), T.FusedMultiplyAdd(a, b.Y, c.Y), T.FusedMultiplyAdd(a, b.Z, c.Z), T.FusedMultiplyAdd(a, b.W, c.W));

    /// <summary>Element <paramref name="e"/> (0 to 3).</summary>
    public readonly T this[int e] => e == 0 ? X : e == 1 ? Y : e == 2 ? Z : W;
}
