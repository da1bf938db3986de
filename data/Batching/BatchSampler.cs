using System.Runtime.CompilerServices;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Batching;

/// <summary>
/// Decides which samples go in which batch, epoch by epoch, reproducibly.
/// </summary>
/// <remarks>
/// Shuffling scheme (fixed, so runs can be compared across machines and versions): the order of
/// epoch e is the identity permutation shuffled by Fisher-Yates from the last position down
/// (for i = n-1 .. 1: j = rng.Next(i + 1); swap i, j) with <c>rng = new System.Random(seed + e)</c>
/// (wrapping addition). Seeded System.Random is specified to keep its sequence across .NET
/// versions. Same (seed, epoch) gives the same order; a different seed gives a different one.
/// Batches are consecutive slices of that order: batch b holds order[b*B .. b*B + B - 1]. The last
/// batch is smaller when B does not divide N, or is dropped when <see cref="DropLast"/> is set.
/// </remarks>
public sealed class BatchSampler
{
    /// <summary>Creates a sampler.</summary>
    /// <param name="count">N, samples in the dataset, &gt;= 0.</param>
    /// <param name="batchSize">B, samples per batch, &gt; 0.</param>
    /// <param name="seed">Shuffle seed.</param>
    /// <param name="shuffle">False keeps dataset order every epoch (for evaluation).</param>
    /// <param name="dropLast">True drops a last batch smaller than B, so every batch is full.</param>
    /// <exception cref="ArgumentOutOfRangeException">count is negative or batchSize is not positive.</exception>
    public BatchSampler(int count, int batchSize, int seed, bool shuffle = true, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Count = count;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    /// <summary>N, samples in the dataset.</summary>
    public int Count { get; }

    /// <summary>B, the (maximum) batch size.</summary>
    public int BatchSize { get; }

    /// <summary>The shuffle seed.</summary>
    public int Seed { get; }

    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a final partial batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch: floor(N/B) with DropLast, else ceil(N/B).</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>Samples per epoch actually served (N, or N rounded down to a multiple of B with DropLast).</summary>
    public int SamplesPerEpoch => DropLast ? BatchesPerEpoch * BatchSize : Count;

    /// <summary>Number of samples in batch <paramref name="batchIndex"/>: B, except possibly the last.</summary>
    /// <param name="batchIndex">Batch index in [0, BatchesPerEpoch).</param>
    /// <returns>Sample count, 1..B.</returns>
    /// <exception cref="ArgumentOutOfRangeException">batchIndex is out of range.</exception>
    public int BatchLength(int batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)batchIndex, (uint)BatchesPerEpoch, nameof(batchIndex));
        return Math.Min(BatchSize, Count - batchIndex * BatchSize);
    }

    /// <summary>Writes epoch <paramref name="epoch"/>'s sample order (a permutation of 0..N-1) into <paramref name="order"/>, without allocating.</summary>
    /// <param name="epoch">Epoch number (any int; usually 0, 1, 2, ...).</param>
    /// <param name="order">Receives N indices.</param>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not exactly N long.</exception>
    public void FillEpochOrder(int epoch, Span<int> order)
    {
        if (order.Length != Count)
        {
            throw new ArgumentException($"order must hold exactly {Count} indices, got {order.Length}.", nameof(order));
        }
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (!Shuffle)
        {
            return;
        }
        var rng = new Random(unchecked(Seed + epoch));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <summary>Epoch <paramref name="epoch"/>'s sample order as a new array.</summary>
    /// <param name="epoch">Epoch number.</param>
    /// <returns>A permutation of 0..N-1.</returns>
    public int[] EpochOrder(int epoch)
    {
        var order = new int[Count];
        FillEpochOrder(epoch, order);
        return order;
    }

    /// <summary>
    /// Copies the given samples into caller-owned buffers: images to <paramref name="x"/> as
    /// [k, C, H, W] floats in [0, 1] (byte v becomes v / 255, <see cref="UnitScale"/>) and labels to
    /// <paramref name="y"/>, k = indices.Length. Allocates nothing.
    /// </summary>
    /// <param name="data">Source set.</param>
    /// <param name="indices">Sample indices into <paramref name="data"/>.</param>
    /// <param name="x">At least k*C*H*W floats; the rest is left untouched.</param>
    /// <param name="y">At least k ints.</param>
    /// <exception cref="ArgumentException">A buffer is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather(LabeledImageSet data, ReadOnlySpan<int> indices, Span<float> x, Span<int> y)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = data.SampleSize;
        if (x.Length < (long)indices.Length * size)
        {
            throw new ArgumentException($"x holds {x.Length} floats, {indices.Length} samples of {size} need {(long)indices.Length * size}.", nameof(x));
        }
        if (y.Length < indices.Length)
        {
            throw new ArgumentException($"y holds {y.Length} labels, {indices.Length} needed.", nameof(y));
        }
        byte[] pixels = data.Pixels;
        int[] labels = data.Labels;
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)src, (uint)data.Count, nameof(indices));
            UnitScale.ToUnitFloats(pixels.AsSpan(src * size, size), x.Slice(i * size, size));
            y[i] = labels[src];
        }
    }
}
