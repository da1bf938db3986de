using System.Numerics;
using System.Runtime.Intrinsics;
using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>max(x, 0).</summary>
internal readonly struct ReluOp<T> : IUnaryOp<T> where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
{
    public static T Apply(T x) => x > T.Zero ? x : T.Zero;
    public static Vector256<T> Apply(Vector256<T> x) => Vector256.Max(x, Vector256<T>.Zero);
    public static Vector512<T> Apply(Vector512<T> x) => Vector512.Max(x, Vector512<T>.Zero);
}

/// <summary>dy where y &gt; 0, else 0 (a = y, b = dy).</summary>
internal readonly struct ReluGradientOp<T> : IBinaryOp<T> where T : unmanaged, INumberBase<T>, IComparisonOperators<T, T, bool>
{
    public static T Apply(T y, T dy) => y > T.Zero ? dy : T.Zero;
    public static Vector256<T> Apply(Vector256<T> y, Vector256<T> dy) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<T>.Zero), dy, Vector256<T>.Zero);
    public static Vector512<T> Apply(Vector512<T> y, Vector512<T> dy) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<T>.Zero), dy, Vector512<T>.Zero);
}
