using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeCnn.Engine.Random;

/// <summary>
/// <see cref="Philox4x32"/> on eight consecutive counters at once, for <see cref="Philox.FillUniform"/>:
/// each counter word lives in the low half of one 64-bit lane of a Vector512, so a round's 32 x 32 -> 64-bit
/// products are one <c>vpmuludq</c> each and their high and low halves a shift and a mask. Bit-identical to
/// the scalar generator (the tests compare them) and about an order of magnitude faster, which matters
/// because every dropout layer draws one number per activation per step.
/// </summary>
internal static class PhiloxVector
{
    /// <summary>Counters per call.</summary>
    private const int Blocks = 8;

    /// <summary>Whether this CPU runs it (AVX-512F); without it <see cref="Philox.FillUniform"/> stays scalar.</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Uniform floats written per call: four words per counter.</summary>
    public const int ElementsPerCall = 4 * Blocks;

    /// <summary>
    /// Writes the uniforms of blocks <paramref name="firstBlock"/> .. +7 of the stream keyed by (seed, step,
    /// layerId), in stream order, to <paramref name="destination"/> (at least <see cref="ElementsPerCall"/> long).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="ElementsPerCall"/>.</exception>
    /// <exception cref="PlatformNotSupportedException">The CPU has no AVX-512F (<see cref="IsSupported"/> is false).</exception>
    public static void Fill(Span<float> destination, ulong seed, uint step, uint layerId, ulong firstBlock)
    {
        if (destination.Length < ElementsPerCall)
            throw new ArgumentException($"needs room for {ElementsPerCall} uniforms, got {destination.Length}", nameof(destination));
        if (!IsSupported) throw new PlatformNotSupportedException("PhiloxVector needs AVX-512F; check IsSupported first");

        var low32 = Vector512.Create(0xFFFF_FFFFUL);
        var blocks = Vector512.Create(firstBlock) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        Vector512<ulong> c0 = blocks & low32, c1 = blocks >>> 32;
        Vector512<ulong> c2 = Vector512.Create((ulong)step), c3 = Vector512.Create((ulong)layerId);
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        var m0 = Vector512.Create((ulong)Philox4x32.M0).AsUInt32();
        var m1 = Vector512.Create((ulong)Philox4x32.M1).AsUInt32();
        for (int round = 0; round < Philox4x32.Rounds; round++)
        {
            if (round > 0)
            {
                k0 += Philox4x32.W0;
                k1 += Philox4x32.W1;
            }

            var product0 = Avx512F.Multiply(c0.AsUInt32(), m0);
            var product1 = Avx512F.Multiply(c2.AsUInt32(), m1);
            c0 = (product1 >>> 32) ^ c1 ^ Vector512.Create((ulong)k0);
            c1 = product1 & low32;
            c2 = (product0 >>> 32) ^ c3 ^ Vector512.Create((ulong)k1);
            c3 = product0 & low32;
        }

        // Stream element 4b + w is word w of block b: pair the words of each block into 64-bit lanes
        // (w0 | w1 << 32 and w2 | w3 << 32, keeping each word's top 24 bits), then interleave the pairs.
        var words01 = (c0 >>> 8) | ((c1 >>> 8) << 32);
        var words23 = (c2 >>> 8) | ((c3 >>> 8) << 32);
        var first = Avx512F.PermuteVar8x64x2(words01, Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11), words23);
        var second = Avx512F.PermuteVar8x64x2(words01, Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15), words23);
        ref float target = ref MemoryMarshal.GetReference(destination);
        (Vector512.ConvertToSingle(first.AsInt32()) * Philox.UniformStep).StoreUnsafe(ref target);
        (Vector512.ConvertToSingle(second.AsInt32()) * Philox.UniformStep).StoreUnsafe(ref Unsafe.Add(ref target, 16));
    }
}
