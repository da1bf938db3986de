using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using NativeCnn.Engine.Devices.Cpu;

namespace NativeCnn.Engine.Ops;

/// <summary>In-register matrix transposes for the packing routines.</summary>
internal static unsafe class Transpose
{
    /// <summary>
    /// Writes the transpose of the 16 x 16 float block at <paramref name="src"/> (rows <paramref name="srcStride"/>
    /// elements apart) to <paramref name="dst"/> (rows <paramref name="dstStride"/> apart): dst[j, i] = src[i, j].
    /// Requires AVX-512F.
    /// </summary>
    /// <remarks>
    /// Three rounds of shuffles, each halving the granularity of the exchange: pairs of floats within 128-bit lanes
    /// (unpack), then 64-bit pairs (shuffle), then 128-bit lanes across registers in two steps (shuffle_f32x4): 64
    /// shuffles for 256 elements instead of 256 scalar loads and stores.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block16x16(float* src, long srcStride, float* dst, long dstStride)
    {
        var r0 = Vector512.Load(src); var r1 = Vector512.Load(src + srcStride);
        var r2 = Vector512.Load(src + 2 * srcStride); var r3 = Vector512.Load(src + 3 * srcStride);
        var r4 = Vector512.Load(src + 4 * srcStride); var r5 = Vector512.Load(src + 5 * srcStride);
        var r6 = Vector512.Load(src + 6 * srcStride); var r7 = Vector512.Load(src + 7 * srcStride);
        var r8 = Vector512.Load(src + 8 * srcStride); var r9 = Vector512.Load(src + 9 * srcStride);
        var r10 = Vector512.Load(src + 10 * srcStride); var r11 = Vector512.Load(src + 11 * srcStride);
        var r12 = Vector512.Load(src + 12 * srcStride); var r13 = Vector512.Load(src + 13 * srcStride);
        var r14 = Vector512.Load(src + 14 * srcStride); var r15 = Vector512.Load(src + 15 * srcStride);

        // Interleave neighbouring rows float by float (within each 128-bit lane).
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);

        // Pairs of floats: each 128-bit lane now holds one column of four consecutive rows.
        r0 = Avx512F.Shuffle(t0, t2, 0x44); r1 = Avx512F.Shuffle(t0, t2, 0xEE);
        r2 = Avx512F.Shuffle(t1, t3, 0x44); r3 = Avx512F.Shuffle(t1, t3, 0xEE);
        r4 = Avx512F.Shuffle(t4, t6, 0x44); r5 = Avx512F.Shuffle(t4, t6, 0xEE);
        r6 = Avx512F.Shuffle(t5, t7, 0x44); r7 = Avx512F.Shuffle(t5, t7, 0xEE);
        r8 = Avx512F.Shuffle(t8, t10, 0x44); r9 = Avx512F.Shuffle(t8, t10, 0xEE);
        r10 = Avx512F.Shuffle(t9, t11, 0x44); r11 = Avx512F.Shuffle(t9, t11, 0xEE);
        r12 = Avx512F.Shuffle(t12, t14, 0x44); r13 = Avx512F.Shuffle(t12, t14, 0xEE);
        r14 = Avx512F.Shuffle(t13, t15, 0x44); r15 = Avx512F.Shuffle(t13, t15, 0xEE);

        // 128-bit lanes: gather the lanes of rows 0-7 and of rows 8-15 ...
        t0 = Avx512F.Shuffle4x128(r0, r4, 0x88); t1 = Avx512F.Shuffle4x128(r1, r5, 0x88);
        t2 = Avx512F.Shuffle4x128(r2, r6, 0x88); t3 = Avx512F.Shuffle4x128(r3, r7, 0x88);
        t4 = Avx512F.Shuffle4x128(r0, r4, 0xDD); t5 = Avx512F.Shuffle4x128(r1, r5, 0xDD);
        t6 = Avx512F.Shuffle4x128(r2, r6, 0xDD); t7 = Avx512F.Shuffle4x128(r3, r7, 0xDD);
        t8 = Avx512F.Shuffle4x128(r8, r12, 0x88); t9 = Avx512F.Shuffle4x128(r9, r13, 0x88);
        t10 = Avx512F.Shuffle4x128(r10, r14, 0x88); t11 = Avx512F.Shuffle4x128(r11, r15, 0x88);
        t12 = Avx512F.Shuffle4x128(r8, r12, 0xDD); t13 = Avx512F.Shuffle4x128(r9, r13, 0xDD);
        t14 = Avx512F.Shuffle4x128(r10, r14, 0xDD); t15 = Avx512F.Shuffle4x128(r11, r15, 0xDD);

        // ... then join them: output row j takes its four lanes from rows 0-3, 4-7, 8-11 and 12-15.
        Avx512F.Shuffle4x128(t0, t8, 0x88).Store(dst);
        Avx512F.Shuffle4x128(t1, t9, 0x88).Store(dst + dstStride);
        Avx512F.Shuffle4x128(t2, t10, 0x88).Store(dst + 2 * dstStride);
        Avx512F.Shuffle4x128(t3, t11, 0x88).Store(dst + 3 * dstStride);
        Avx512F.Shuffle4x128(t4, t12, 0x88).Store(dst + 4 * dstStride);
        Avx512F.Shuffle4x128(t5, t13, 0x88).Store(dst + 5 * dstStride);
        Avx512F.Shuffle4x128(t6, t14, 0x88).Store(dst + 6 * dstStride);
        Avx512F.Shuffle4x128(t7, t15, 0x88).Store(dst + 7 * dstStride);
        Avx512F.Shuffle4x128(t0, t8, 0xDD).Store(dst + 8 * dstStride);
        Avx512F.Shuffle4x128(t1, t9, 0xDD).Store(dst + 9 * dstStride);
        Avx512F.Shuffle4x128(t2, t10, 0xDD).Store(dst + 10 * dstStride);
        Avx512F.Shuffle4x128(t3, t11, 0xDD).Store(dst + 11 * dstStride);
        Avx512F.Shuffle4x128(t4, t12, 0xDD).Store(dst + 12 * dstStride);
        Avx512F.Shuffle4x128(t5, t13, 0xDD).Store(dst + 13 * dstStride);
        Avx512F.Shuffle4x128(t6, t14, 0xDD).Store(dst + 14 * dstStride);
        Avx512F.Shuffle4x128(t7, t15, 0xDD).Store(dst + 15 * dstStride);
    }
}
