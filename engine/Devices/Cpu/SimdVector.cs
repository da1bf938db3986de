using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeCnn.Engine.Devices.Cpu;

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

    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Every element set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>Element-wise maximum.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>Reads 2 · Count elements and splits them by parity: Even = source[0, 2, 4, ...], Odd = source[1, 3, ...].</summary>
    static abstract (TSelf Even, TSelf Odd) LoadDeinterleaved(T* source);

    /// <summary>Writes 2 · Count elements alternating from the two: even[0], odd[0], even[1], odd[1], ...</summary>
    static abstract void StoreInterleaved(TSelf even, TSelf odd, T* destination);
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

    public static Simd512<T> operator *(Simd512<T> a, Simd512<T> b) => new(a._value * b._value);

    public static Simd512<T> Create(T value) => new(Vector512.Create(value));

    public static Simd512<T> Max(Simd512<T> a, Simd512<T> b) => new(Vector512.Max(a._value, b._value));

    /// <remarks>float and double: one two-source permute (vpermt2ps / vpermt2pd) per output; other types element by element.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Simd512<T> Even, Simd512<T> Odd) LoadDeinterleaved(T* source)
    {
        var first = Vector512.Load(source);
        var second = Vector512.Load(source + Vector512<T>.Count);
        if (typeof(T) == typeof(float) && Avx512F.IsSupported)
        {
            var a = first.AsSingle();
            var b = second.AsSingle();
            return (new(Avx512F.PermuteVar16x32x2(a, Permutes.EvenSingles, b).As<float, T>()), new(Avx512F.PermuteVar16x32x2(a, Permutes.OddSingles, b).As<float, T>()));
        }

        if (typeof(T) == typeof(double) && Avx512F.IsSupported)
        {
            var a = first.AsDouble();
            var b = second.AsDouble();
            return (new(Avx512F.PermuteVar8x64x2(a, Permutes.EvenDoubles, b).As<double, T>()), new(Avx512F.PermuteVar8x64x2(a, Permutes.OddDoubles, b).As<double, T>()));
        }

        Span<T> even = stackalloc T[Vector512<T>.Count], odd = stackalloc T[Vector512<T>.Count];
        Permutes.Deinterleave(source, even, odd);
        return (new(Vector512.Create<T>(even)), new(Vector512.Create<T>(odd)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Simd512<T> even, Simd512<T> odd, T* destination)
    {
        if (typeof(T) == typeof(float) && Avx512F.IsSupported)
        {
            var a = even._value.AsSingle();
            var b = odd._value.AsSingle();
            Avx512F.PermuteVar16x32x2(a, Permutes.LowPairsSingles, b).Store((float*)destination);
            Avx512F.PermuteVar16x32x2(a, Permutes.HighPairsSingles, b).Store((float*)destination + 16);
            return;
        }

        if (typeof(T) == typeof(double) && Avx512F.IsSupported)
        {
            var a = even._value.AsDouble();
            var b = odd._value.AsDouble();
            Avx512F.PermuteVar8x64x2(a, Permutes.LowPairsDoubles, b).Store((double*)destination);
            Avx512F.PermuteVar8x64x2(a, Permutes.HighPairsDoubles, b).Store((double*)destination + 8);
            return;
        }

        for (int i = 0; i < Vector512<T>.Count; i++)
        {
            destination[2 * i] = even._value[i];
            destination[(2 * i) + 1] = odd._value[i];
        }
    }
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

    public static SimdNative<T> operator *(SimdNative<T> a, SimdNative<T> b) => new(a._value * b._value);

    public static SimdNative<T> Create(T value) => new(new Vector<T>(value));

    public static SimdNative<T> Max(SimdNative<T> a, SimdNative<T> b) => new(Vector.Max(a._value, b._value));

    /// <remarks><see cref="Vector{T}"/> has no two-source permute: element by element.</remarks>
    public static (SimdNative<T> Even, SimdNative<T> Odd) LoadDeinterleaved(T* source)
    {
        Span<T> even = stackalloc T[Vector<T>.Count], odd = stackalloc T[Vector<T>.Count];
        Permutes.Deinterleave(source, even, odd);
        return (new(new Vector<T>(even)), new(new Vector<T>(odd)));
    }

    public static void StoreInterleaved(SimdNative<T> even, SimdNative<T> odd, T* destination)
    {
        for (int i = 0; i < Vector<T>.Count; i++)
        {
            destination[2 * i] = even._value[i];
            destination[(2 * i) + 1] = odd._value[i];
        }
    }
}

/// <summary>One element: the tail of a loop written for <see cref="ISimdVector{TSelf, T}"/>, with the same code.</summary>
internal readonly unsafe struct Scalar<T>(T value) : ISimdVector<Scalar<T>, T>
    where T : unmanaged, INumber<T>
{
    private readonly T _value = value;

    public static int Count => 1;

    public static Scalar<T> Load(T* source) => new(*source);

    public void Store(T* destination) => *destination = _value;

    public static Scalar<T> operator +(Scalar<T> a, Scalar<T> b) => new(a._value + b._value);

    public static Scalar<T> operator -(Scalar<T> a, Scalar<T> b) => new(a._value - b._value);

    public static Scalar<T> operator -(Scalar<T> a) => new(-a._value);

    public static Scalar<T> operator *(Scalar<T> a, Scalar<T> b) => new(a._value * b._value);

    public static Scalar<T> Create(T value) => new(value);

    public static Scalar<T> Max(Scalar<T> a, Scalar<T> b) => new(T.Max(a._value, b._value));

    public static (Scalar<T> Even, Scalar<T> Odd) LoadDeinterleaved(T* source) => (new(source[0]), new(source[1]));

    public static void StoreInterleaved(Scalar<T> even, Scalar<T> odd, T* destination)
    {
        destination[0] = even._value;
        destination[1] = odd._value;
    }
}

/// <summary>Index vectors of the two-source permutes (element i of the result takes element index[i] of a:b) and the
/// element-by-element fallback of <see cref="ISimdVector{TSelf, T}.LoadDeinterleaved"/>.</summary>
internal static unsafe class Permutes
{
    public static readonly Vector512<int> EvenSingles = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    public static readonly Vector512<int> OddSingles = EvenSingles + Vector512<int>.One;
    public static readonly Vector512<long> EvenDoubles = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
    public static readonly Vector512<long> OddDoubles = EvenDoubles + Vector512<long>.One;

    // a0 b0 a1 b1 ...: the first half of the pairs, then the second.
    public static readonly Vector512<int> LowPairsSingles = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    public static readonly Vector512<int> HighPairsSingles = LowPairsSingles + Vector512.Create(8);
    public static readonly Vector512<long> LowPairsDoubles = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
    public static readonly Vector512<long> HighPairsDoubles = LowPairsDoubles + Vector512.Create(4L);

    /// <summary>Splits 2 · even.Length elements of <paramref name="source"/> by parity.</summary>
    public static void Deinterleave<T>(T* source, Span<T> even, Span<T> odd)
        where T : unmanaged
    {
        for (int i = 0; i < even.Length; i++)
        {
            even[i] = source[2 * i];
            odd[i] = source[(2 * i) + 1];
        }
    }
}
