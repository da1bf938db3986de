using System.Numerics;
using System.Runtime.Intrinsics;

using NativeCnn.Engine.Ops;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>An element-wise function of one argument in scalar, 256-bit and 512-bit form.</summary>
internal interface IUnaryOp<T> where T : unmanaged
{
    static abstract T Apply(T x);
    static abstract Vector256<T> Apply(Vector256<T> x);
    static abstract Vector512<T> Apply(Vector512<T> x);
}

/// <summary>An element-wise function of two arguments in scalar, 256-bit and 512-bit form.</summary>
internal interface IBinaryOp<T> where T : unmanaged
{
    static abstract T Apply(T a, T b);
    static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);
    static abstract Vector512<T> Apply(Vector512<T> a, Vector512<T> b);
}

/// <summary>
/// The one loop every element-wise kernel shares: Vector512 when the CPU executes it natively,
/// else Vector256, with a scalar tail; split over the cores when the array is large.
/// Writing the loop once means each kernel is only its operator struct.
/// </summary>
internal static unsafe class VectorLoop
{
    // Below this many elements a second thread costs more than it saves.
    private const int MinPerWorker = 1 << 15;

    public static void Map<T, TOp>(T* x, T* y, long length)
        where T : unmanaged, INumberBase<T> where TOp : IUnaryOp<T>
    {
        CpuParallel.For(checked((int)length), MinPerWorker, (start, end) => MapRange<T, TOp>(x + start, y + start, end - start));
    }

    public static void Map<T, TOp>(T* a, T* b, T* y, long length)
        where T : unmanaged, INumberBase<T> where TOp : IBinaryOp<T>
    {
        CpuParallel.For(checked((int)length), MinPerWorker, (start, end) => MapRange<T, TOp>(a + start, b + start, y + start, end - start));
    }

    private static void MapRange<T, TOp>(T* x, T* y, int n)
        where T : unmanaged, INumberBase<T> where TOp : IUnaryOp<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(TOp.Apply(Vector512.Load(x + i)), y + i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(TOp.Apply(Vector256.Load(x + i)), y + i);
        for (; i < n; i++) y[i] = TOp.Apply(x[i]);
    }

    /// <summary>y[i] = TOp(a[i], b[i]) on the calling thread, for kernels that already split work across cores.</summary>
    public static void MapRange<T, TOp>(T* a, T* b, T* y, int n)
        where T : unmanaged, INumberBase<T> where TOp : IBinaryOp<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(TOp.Apply(Vector512.Load(a + i), Vector512.Load(b + i)), y + i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(TOp.Apply(Vector256.Load(a + i), Vector256.Load(b + i)), y + i);
        for (; i < n; i++) y[i] = TOp.Apply(a[i], b[i]);
    }

    /// <summary>y[i] = x[i] + c, or max(x[i] + c, 0) with <paramref name="relu"/>, on the calling thread.</summary>
    public static void AddScalar<T>(T* x, T c, T* y, int n, bool relu) where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vc = Vector512.Create(c);
            if (relu)
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    Vector512.Store(ReluOp<T>.Apply(Vector512.Load(x + i) + vc), y + i);
            else
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    Vector512.Store(Vector512.Load(x + i) + vc, y + i);
        }
        for (; i < n; i++)
        {
            T v = x[i] + c;
            y[i] = relu ? ReluOp<T>.Apply(v) : v;
        }
    }

    /// <summary>Σ x[i] with vector partial sums (pairwise-ish, so float32 error grows slowly).</summary>
    public static T Sum<T>(T* x, int n) where T : unmanaged, INumberBase<T>
    {
        int i = 0;
        T total = T.Zero;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var acc0 = Vector512<T>.Zero; var acc1 = Vector512<T>.Zero;
            for (; i <= n - 2 * Vector512<T>.Count; i += 2 * Vector512<T>.Count)
            {
                acc0 += Vector512.Load(x + i);
                acc1 += Vector512.Load(x + i + Vector512<T>.Count);
            }
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) acc0 += Vector512.Load(x + i);
            total = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) acc += Vector256.Load(x + i);
            total = Vector256.Sum(acc);
        }
        for (; i < n; i++) total += x[i];
        return total;
    }
}

/// <summary>a * b.</summary>
internal readonly struct MultiplyOp<T> : IBinaryOp<T> where T : unmanaged, INumberBase<T>
{
    public static T Apply(T a, T b) => a * b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a * b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a * b;
}

/// <summary>a + b.</summary>
internal readonly struct AddOp<T> : IBinaryOp<T> where T : unmanaged, INumberBase<T>
{
    public static T Apply(T a, T b) => a + b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a + b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a + b;
}
