namespace NativeCnn.Engine.Random;

/// <summary>
/// Uniform random floats for dropout masks and augmentation, as a pure function of
/// <c>(seed, step, layerId, index)</c> built on <see cref="Philox4x32"/>. Every backend
/// (CPU, OpenCL, CUDA) implements exactly this mapping, so masks agree bit for bit across
/// devices and a run is reproducible from its seed.
/// </summary>
/// <remarks>
/// The mapping, which GPU kernels must reproduce:
/// <list type="bullet">
/// <item>key <c>(k0, k1)</c> = (low, high) 32 bits of <c>seed</c>;</item>
/// <item>element <c>index</c> lives in block <c>b = index / 4</c>, lane <c>index % 4</c>;</item>
/// <item>counter <c>(c0, c1, c2, c3)</c> = (low 32 bits of b, high 32 bits of b, step, layerId);</item>
/// <item>the lane's word <c>x</c> becomes <c>(x &gt;&gt; 8) * 2^-24</c>.</item>
/// </list>
/// The top 24 bits fill a float's significand exactly, so every value is a multiple of
/// 2^-24 in [0, 1 - 2^-24]: never 1, which keeps <c>u &lt; keepProbability</c> tests unbiased.
/// </remarks>
public static class Philox
{
    /// <summary>2^-24: the spacing of the uniform floats produced here.</summary>
    public const float UniformStep = 1.0f / (1 << 24);

    /// <summary>Converts one 32-bit random word to a float in [0, 1) from its top 24 bits.</summary>
    /// <param name="word">A uniformly distributed 32-bit word.</param>
    /// <returns><c>(word &gt;&gt; 8) * 2^-24</c>, in [0, 1).</returns>
    public static float ToUniform(uint word) => (word >> 8) * UniformStep;

    /// <summary>The <paramref name="index"/>-th uniform float in [0, 1) of the stream keyed by (seed, step, layerId).</summary>
    /// <param name="seed">Run seed (the Philox key).</param>
    /// <param name="step">Training step (counter word 2).</param>
    /// <param name="layerId">Identifier of the layer or augmentation stage (counter word 3).</param>
    /// <param name="index">Element index within the stream, from 0.</param>
    /// <returns>A float in [0, 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static float Uniform(ulong seed, uint step, uint layerId, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Philox4x32Block block = BlockAt(seed, step, layerId, (ulong)index >> 2);
        return ToUniform(block[(int)(index & 3)]);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with elements <c>startIndex .. startIndex + length - 1</c>
    /// of the stream keyed by (seed, step, layerId): <c>destination[j] == Uniform(seed, step,
    /// layerId, startIndex + j)</c>, computed one Philox block per four elements.
    /// </summary>
    /// <param name="destination">Span to fill with floats in [0, 1).</param>
    /// <param name="seed">Run seed (the Philox key).</param>
    /// <param name="step">Training step (counter word 2).</param>
    /// <param name="layerId">Identifier of the layer or augmentation stage (counter word 3).</param>
    /// <param name="startIndex">Stream index of <c>destination[0]</c>; lets a tensor be filled in chunks or by several threads.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="startIndex"/> is negative.</exception>
    public static void FillUniform(Span<float> destination, ulong seed, uint step, uint layerId, long startIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startIndex);
        ulong index = (ulong)startIndex;
        int written = 0;
        while (written < destination.Length)
        {
            // Whole runs of blocks go through the vectorised generator; the ragged ends one block at a time.
            if (PhiloxVector.IsSupported && (index & 3) == 0 && destination.Length - written >= PhiloxVector.ElementsPerCall)
            {
                PhiloxVector.Fill(destination.Slice(written, PhiloxVector.ElementsPerCall), seed, step, layerId, index >> 2);
                written += PhiloxVector.ElementsPerCall;
                index += PhiloxVector.ElementsPerCall;
                continue;
            }

            Philox4x32Block block = BlockAt(seed, step, layerId, index >> 2);
            // The first block may start mid-way when startIndex is not a multiple of 4.
            for (int lane = (int)(index & 3); lane < 4 && written < destination.Length; lane++)
            {
                destination[written++] = ToUniform(block[lane]);
                index++;
            }
        }
    }

    private static Philox4x32Block BlockAt(ulong seed, uint step, uint layerId, ulong block) =>
        Philox4x32.Generate((uint)block, (uint)(block >> 32), step, layerId, (uint)seed, (uint)(seed >> 32));
}
