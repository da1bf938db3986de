using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// One output row of 2x2 / stride-2 max pooling in float32 with AVX-512, eight outputs per step and no
/// branches: random activations make "which of the four is largest" unpredictable, so the scalar loop spends
/// most of its time on mispredicted branches. Candidates are compared in the scalar order (top-left, top-right,
/// bottom-left, bottom-right) with strict greater-than, so ties pick the same pixel as the reference.
/// </summary>
internal static unsafe class MaxPool2x2Vector
{
    /// <summary>Even inputs to lanes 0-7, odd ones to lanes 8-15.</summary>
    private static readonly Vector512<int> Deinterleave = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);

    /// <summary>
    /// Pools input rows <paramref name="r0"/> and <paramref name="r1"/> (<paramref name="inWidth"/> wide, the first
    /// at plane offset <paramref name="top"/>) into the <paramref name="outWidth"/> outputs at <paramref name="dst"/>
    /// and records the plane offsets of the maxima in <paramref name="arg"/>. A last partial step (and widths below
    /// eight, as in the 12x12 and 6x6 layers) uses masked loads and stores, which never touch the lanes left out.
    /// </summary>
    public static void Row(float* r0, float* r1, int inWidth, int top, int outWidth, float* dst, int* arg)
    {
        var twice = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var right = Vector256.Create(1);
        var below = Vector256.Create(inWidth);
        var belowRight = Vector256.Create(inWidth + 1);
        for (int j = 0; j < outWidth; j += 8)
        {
            int count = Math.Min(8, outWidth - j);
            bool whole = count == 8 && 2 * j + 16 <= inWidth;
            var upper = Avx512F.PermuteVar16x32(whole ? Vector512.Load(r0 + 2 * j) : LoadFirst(r0 + 2 * j, 2 * count), Deinterleave);
            var lower = Avx512F.PermuteVar16x32(whole ? Vector512.Load(r1 + 2 * j) : LoadFirst(r1 + 2 * j, 2 * count), Deinterleave);
            var best = upper.GetLower();
            var at = Vector256<int>.Zero;
            Take(ref best, ref at, upper.GetUpper(), right);
            Take(ref best, ref at, lower.GetLower(), below);
            Take(ref best, ref at, lower.GetUpper(), belowRight);
            at += twice + Vector256.Create(top + 2 * j);
            if (count == 8)
            {
                best.Store(dst + j);
                at.Store(arg + j);
            }
            else
            {
                var lanes = FirstLanes(count);
                Avx.MaskStore(dst + j, lanes.AsSingle(), best);
                Avx2.MaskStore(arg + j, lanes, at);
            }
        }
    }

    /// <summary>The first <paramref name="count"/> (0..16) floats at <paramref name="p"/>, zeros after them.</summary>
    private static Vector512<float> LoadFirst(float* p, int count) => Vector512.Create(
        Avx.MaskLoad(p, FirstLanes(Math.Min(count, 8)).AsSingle()),
        Avx.MaskLoad(p + 8, FirstLanes(Math.Max(count - 8, 0)).AsSingle()));

    /// <summary>All bits set in lanes 0 .. count-1.</summary>
    private static Vector256<int> FirstLanes(int count) => Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count));

    private static void Take(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> candidate, Vector256<int> offset)
    {
        var greater = Vector256.GreaterThan(candidate, best);
        best = Vector256.ConditionalSelect(greater, candidate, best);
        at = Vector256.ConditionalSelect(greater.AsInt32(), offset, at);
    }
}
