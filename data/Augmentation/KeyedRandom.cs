namespace NativeCnn.Data.Augmentation;

/// <summary>
/// A tiny counter-based random generator: value n of a stream is SplitMix64's output function
/// applied to key + (n + 1) * golden-ratio constant, and <see cref="Derive"/> makes a new,
/// independent key from the current key and a number (seed, then epoch, then sample index).
/// </summary>
/// <remarks>
/// <para>Why counter-based: the parameters for one image must not depend on which thread
/// computes them, on the batch size, or on how many images came before, so a sequential
/// generator shared across samples will not do. Any value is computed directly from
/// (seed, epoch, sample, draw index), so augmentation is reproducible however it is scheduled.</para>
/// <para>The mixing function is the 64-bit finaliser of SplitMix64 (Steele, Lea and Flood 2014;
/// constants from Stafford's "Mix13"), which passes BigCrush on a counter. Independent of the
/// engine's Philox, because the data library must not reference the engine. Not for cryptography.</para>
/// </remarks>
public readonly struct KeyedRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private readonly ulong key;

    /// <summary>Creates the root stream for a seed.</summary>
    /// <param name="seed">Any 64-bit seed; different seeds give unrelated streams.</param>
    public KeyedRandom(ulong seed) => key = Mix(seed ^ 0x6A09E667F3BCC908UL);

    private KeyedRandom(ulong key, bool raw) => this.key = raw ? key : Mix(key);

    /// <summary>A child stream keyed by this stream and <paramref name="value"/> (e.g. the epoch, then the sample index).</summary>
    /// <param name="value">The child's number; different numbers give unrelated streams.</param>
    /// <returns>The child stream.</returns>
    public KeyedRandom Derive(ulong value) => new(Mix(key ^ Mix(value + Golden)), raw: true);

    /// <summary>Value number <paramref name="counter"/> of this stream, 64 uniformly random bits.</summary>
    /// <param name="counter">Draw index, from 0.</param>
    /// <returns>The value.</returns>
    public ulong At(ulong counter) => Mix(key + (counter + 1) * Golden);

    /// <summary>Value number <paramref name="counter"/> as a double uniform in [0, 1) (the top 53 bits).</summary>
    /// <param name="counter">Draw index, from 0.</param>
    /// <returns>A double in [0, 1).</returns>
    public double UniformAt(ulong counter) => (At(counter) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Value number <paramref name="counter"/> as a double uniform in [low, high).</summary>
    /// <param name="counter">Draw index, from 0.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <returns>low + (high - low) * u.</returns>
    public double UniformAt(ulong counter, double low, double high) => low + (high - low) * UniformAt(counter);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
