using System.Numerics;
using System.Runtime.CompilerServices;

namespace NativeCnn.Data.Imaging;

/// <summary>
/// The one place 8-bit pixels become the network's float32 input: v / 255, in [0, 1] (Keras'
/// <c>Rescaling(1/255)</c>). Datasets stay bytes in memory and on disk; batches are converted
/// when they are gathered, so a set costs a quarter of the memory it would as floats.
/// </summary>
public static class UnitScale
{
    /// <summary>The float a byte maps to: <paramref name="value"/> / 255f (IEEE division, so every path gives the same bits).</summary>
    /// <param name="value">Pixel byte.</param>
    /// <returns>value / 255 as float32.</returns>
    public static float ToUnit(byte value) => value / 255f;

    /// <summary>Converts bytes to floats in [0, 1], each exactly <c>b / 255f</c>; SIMD over <see cref="Vector{T}"/> with a scalar tail.</summary>
    /// <param name="source">Input bytes.</param>
    /// <param name="destination">Receives source.Length floats.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToUnitFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats, {source.Length} needed.", nameof(destination));
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<byte>.Count)
        {
            var divisor = new Vector<float>(255f);
            int lanes = Vector<float>.Count;
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                // bytes -> 2 x ushort -> 4 x uint -> float, then divide (exact, unlike multiplying by 1/255).
                Vector.Widen(new Vector<byte>(source[i..]), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                Span<float> slot = destination.Slice(i, Vector<byte>.Count);
                (Vector.ConvertToSingle(a) / divisor).CopyTo(slot);
                (Vector.ConvertToSingle(b) / divisor).CopyTo(slot[lanes..]);
                (Vector.ConvertToSingle(c) / divisor).CopyTo(slot[(2 * lanes)..]);
                (Vector.ConvertToSingle(d) / divisor).CopyTo(slot[(3 * lanes)..]);
            }
        }
        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / 255f;
        }
    }
}
