namespace NativeCnn.Data.Batching;

/// <summary>
/// One mini-batch in reusable buffers: <see cref="Count"/> images [Count, C, H, W] and their labels.
/// </summary>
/// <remarks>
/// Lifetime rule: a Batch handed out by <see cref="Prefetcher"/> is valid only until the consumer
/// asks for the next batch (MoveNext) or ends the loop; then its buffers go back to the pool and
/// are overwritten by a later batch. Copy out anything needed longer (e.g. upload to the device
/// inside the loop body). The buffers are sized for the full batch size; only the first Count
/// samples are meaningful.
/// </remarks>
public sealed class Batch
{
    internal Batch(int capacity, int sampleSize)
    {
        Capacity = capacity;
        SampleSize = sampleSize;
        PixelBuffer = new float[(long)capacity * sampleSize];
        LabelBuffer = new int[capacity];
        IndexBuffer = new int[capacity];
    }

    /// <summary>Samples in this batch (1..Capacity).</summary>
    public int Count { get; internal set; }

    /// <summary>Position of this batch in its epoch, 0-based.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>Maximum samples per batch, B.</summary>
    public int Capacity { get; }

    /// <summary>Floats per image, C*H*W.</summary>
    public int SampleSize { get; }

    /// <summary>Images, [Count, C, H, W] row-major, in [0, 1] unless a transform changed them.</summary>
    public ReadOnlySpan<float> Pixels => PixelBuffer.AsSpan(0, Count * SampleSize);

    /// <summary>Class ids, Count entries.</summary>
    public ReadOnlySpan<int> Labels => LabelBuffer.AsSpan(0, Count);

    /// <summary>Which dataset samples are in the batch, Count entries (for reporting misclassified files).</summary>
    public ReadOnlySpan<int> SampleIndices => IndexBuffer.AsSpan(0, Count);

    /// <summary>The whole pixel buffer (Capacity*C*H*W floats), for transforms and zero-copy hand-off. Only the first Count*SampleSize are valid.</summary>
    public float[] PixelBuffer { get; }

    /// <summary>The whole label buffer (Capacity ints). Only the first Count are valid.</summary>
    public int[] LabelBuffer { get; }

    internal int[] IndexBuffer { get; }
}
