namespace NativeCnn.Engine.Random;

/// <summary>
/// One output block of <see cref="Philox4x32"/>: four 32-bit words, in the order Random123
/// returns them (<c>out.v[0]</c> .. <c>out.v[3]</c>).
/// </summary>
/// <param name="X0">Word 0 of the block.</param>
/// <param name="X1">Word 1 of the block.</param>
/// <param name="X2">Word 2 of the block.</param>
/// <param name="X3">Word 3 of the block.</param>
public readonly record struct Philox4x32Block(uint X0, uint X1, uint X2, uint X3)
{
    /// <summary>Word <paramref name="lane"/> (0..3) of the block.</summary>
    /// <param name="lane">Index of the word, 0 to 3.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lane"/> is not in 0..3.</exception>
    public uint this[int lane] => lane switch
    {
        0 => X0,
        1 => X1,
        2 => X2,
        3 => X3,
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, "A Philox4x32 block has lanes 0 to 3."),
    };
}

/// <summary>
/// The Philox4x32-10 counter-based random bijection of Salmon, Moraes, Dror and Shaw,
/// "Parallel Random Numbers: As Easy as 1, 2, 3" (SC11), bit-identical to Random123's
/// <c>philox4x32_10</c>.
/// </summary>
/// <remarks>
/// A counter-based generator has no state: block <c>f(counter, key)</c> is a pure function, so
/// any element of a stream can be computed independently on any device (CPU thread, OpenCL or
/// CUDA work item) and all of them agree. One round maps the counter
/// <c>(c0, c1, c2, c3)</c> with key <c>(k0, k1)</c> to
/// <c>(hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0))</c>, where hi/lo are the
/// halves of the 64-bit product; between rounds the key is bumped by the Weyl constants
/// <c>(W0, W1)</c>. Ten rounds pass BigCrush (the paper's recommended count).
/// </remarks>
public static class Philox4x32
{
    /// <summary>Multiplier applied to counter word 0 (Random123 <c>PHILOX_M4x32_0</c>).</summary>
    public const uint M0 = 0xD2511F53;

    /// <summary>Multiplier applied to counter word 2 (Random123 <c>PHILOX_M4x32_1</c>).</summary>
    public const uint M1 = 0xCD9E8D57;

    /// <summary>Key increment for key word 0 between rounds: the golden ratio, <c>PHILOX_W32_0</c>.</summary>
    public const uint W0 = 0x9E3779B9;

    /// <summary>Key increment for key word 1 between rounds: sqrt(3) - 1, <c>PHILOX_W32_1</c>.</summary>
    public const uint W1 = 0xBB67AE85;

    /// <summary>Number of rounds (the "-10" of Philox4x32-10).</summary>
    public const int Rounds = 10;

    /// <summary>
    /// Computes the block for a counter given as four words and a key given as two words, in
    /// Random123's word order (<c>ctr.v[0..3]</c>, <c>key.v[0..1]</c>).
    /// </summary>
    /// <param name="c0">Counter word 0.</param>
    /// <param name="c1">Counter word 1.</param>
    /// <param name="c2">Counter word 2.</param>
    /// <param name="c3">Counter word 3.</param>
    /// <param name="k0">Key word 0.</param>
    /// <param name="k1">Key word 1.</param>
    /// <returns>The four output words.</returns>
    public static Philox4x32Block Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < Rounds; round++)
        {
            // Random123 bumps the key before every round except the first.
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong product0 = (ulong)M0 * c0;
            ulong product1 = (ulong)M1 * c2;
            uint hi0 = (uint)(product0 >> 32), lo0 = (uint)product0;
            uint hi1 = (uint)(product1 >> 32), lo1 = (uint)product1;

            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }

        return new Philox4x32Block(c0, c1, c2, c3);
    }

    /// <summary>
    /// Computes the block for a 128-bit counter and a 64-bit key given as integers. Words are
    /// taken little-end first: <c>c0 = low 32 bits of counterLo</c>, <c>c1 = high 32 bits of
    /// counterLo</c>, <c>c2</c>/<c>c3</c> likewise from <paramref name="counterHi"/>,
    /// <c>k0 = low 32 bits of key</c>, <c>k1 = high 32 bits of key</c>.
    /// </summary>
    /// <param name="key">The 64-bit key.</param>
    /// <param name="counterHi">Upper 64 bits of the counter (words 2 and 3).</param>
    /// <param name="counterLo">Lower 64 bits of the counter (words 0 and 1).</param>
    /// <returns>The four output words.</returns>
    public static Philox4x32Block Generate(ulong key, ulong counterHi, ulong counterLo) =>
        Generate(
            (uint)counterLo, (uint)(counterLo >> 32),
            (uint)counterHi, (uint)(counterHi >> 32),
            (uint)key, (uint)(key >> 32));
}
