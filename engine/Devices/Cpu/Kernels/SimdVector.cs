using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeCnn.Engine.Devices.Cpu.Kernels;

/// <summary>
/// One SIMD register of <typeparamref name="T"/>, so that a kernel is written once and instantiated for each width:
/// the JIT compiles a separate body for every struct type argument, with the wrapper's single field kept in a register.
/// (.NET's own ISimdVector is not public.)
/// </summary>
internal unsafe interface ISimdVector<TSelf, T>
    where TSelf : struct, ISimdVector<TSelf, T>
    where T : unmanaged
{
    /// <summary>Elements per register.</summary>
    static abstract int Count { get; }

    /// <summary>Count elements from <paramref name="source"/> (no alignment needed).</summary>
    static abstract TSelf Load(T* source);

    /// <summary>Writes the Count elements to <paramref name="destination"/> (no alignment needed).</summary>
    void Store(T* destination);

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a);
}

/// <summary><see cref="Vector512{T}"/>: the width to use where <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
internal readonly unsafe struct Simd512<T>(Vector512<T> value) : ISimdVector<Simd512<T>, T>
    where T : unmanaged, INumberBase<T>
{
    private readonly Vector512<T> _value = value;

    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512<T> Load(T* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* destination) => _value.Store(destination);

    public static Simd512<T> operator +(Simd512<T> a, Simd512<T> b) => new(a._value + b._value);

    public static Simd512<T> operator -(Simd512<T> a, Simd512<T> b) => new(a._value - b._value);

    public static Simd512<T> operator -(Simd512<T> a) => new(-a._value);
}

/// <summary><see cref="Vector{T}"/>: whatever width the runtime picks (256 bits on AVX2, 128 on Arm), the fallback.</summary>
internal readonly unsafe struct SimdNative<T>(Vector<T> value) : ISimdVector<SimdNative<T>, T>
    where T : unmanaged, INumberBase<T>
{
    private readonly Vector<T> _value = value;

    public static int Count => Vector<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdNative<T> Load(T* source) => new(Vector.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(T* destination) => _value.Store(destination);

    public static SimdNative<T> operator +(SimdNative<T> a, SimdNative<T> b) => new(a._value + b._value);

    public static SimdNative<T> operator -(SimdNative<T> a, SimdNative<T> b) => new(a._value - b._value);

    public static SimdNative<T> operator -(SimdNative<T> a) => new(-a._value);
}
