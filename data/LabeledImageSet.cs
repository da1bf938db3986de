using NativeCnn.Data.Imaging;

namespace NativeCnn.Data;

/// <summary>
/// A set of labelled images held in memory as 8-bit pixels laid out [N, C, H, W] (row-major,
/// contiguous; byte v stands for v / 255) with one int label per image in [0, ClassNames.Count).
/// This is the hand-off format between the readers and the trainer. The network's float32 input
/// in [0, 1] is made when batches are gathered (<see cref="Batching.BatchSampler.Gather"/>,
/// <see cref="CopyUnitFloats"/>), so a set costs a byte per pixel, not four.
/// </summary>
public sealed class LabeledImageSet
{
    /// <summary>Wraps existing arrays without copying.</summary>
    /// <param name="pixels">[N, C, H, W] bytes; length must be N*C*H*W with N = labels.Length.</param>
    /// <param name="labels">N class ids, each in [0, classNames.Count).</param>
    /// <param name="channels">C, &gt; 0.</param>
    /// <param name="height">H in pixels, &gt; 0.</param>
    /// <param name="width">W in pixels, &gt; 0.</param>
    /// <param name="classNames">Name of each class id, in id order.</param>
    /// <param name="sourceFiles">Optional: for each image, the file (or file:line) it came from, for reporting; null when unknown.</param>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public LabeledImageSet(byte[] pixels, int[] labels, int channels, int height, int width,
        IReadOnlyList<string> classNames, IReadOnlyList<string>? sourceFiles = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long sampleSize = (long)channels * height * width;
        if (pixels.LongLength != labels.LongLength * sampleSize)
        {
            throw new ArgumentException(
                $"pixels holds {pixels.LongLength} bytes; {labels.Length} images of {channels}x{height}x{width} need {labels.LongLength * sampleSize}.",
                nameof(pixels));
        }
        if (sourceFiles is not null && sourceFiles.Count != labels.Length)
        {
            throw new ArgumentException($"sourceFiles has {sourceFiles.Count} entries for {labels.Length} images.", nameof(sourceFiles));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"label {labels[i]} of image {i} is outside [0, {classNames.Count}).", nameof(labels));
            }
        }
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        SourceFiles = sourceFiles;
    }

    /// <summary>All pixels, [N, C, H, W] row-major, 0-255. Shared, not copied: do not modify unless you own the set.</summary>
    public byte[] Pixels { get; }

    /// <summary>Class id of each image, N entries.</summary>
    public int[] Labels { get; }

    /// <summary>N, the number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>C, channels per image (1 for grayscale).</summary>
    public int Channels { get; }

    /// <summary>H, image height in pixels.</summary>
    public int Height { get; }

    /// <summary>W, image width in pixels.</summary>
    public int Width { get; }

    /// <summary>C*H*W, pixels per image.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Class names in id order (for FER-2013: angry, disgust, fear, happy, sad, surprise, neutral).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Per image, the file it was read from (or "file:line" for CSV rows); null when the source did not record it.</summary>
    public IReadOnlyList<string>? SourceFiles { get; }

    /// <summary>The pixels of one image, [C, H, W].</summary>
    /// <param name="index">Image index in [0, Count).</param>
    /// <returns>A view of <see cref="SampleSize"/> bytes into <see cref="Pixels"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return Pixels.AsSpan(index * SampleSize, SampleSize);
    }

    /// <summary>Images <paramref name="start"/> .. start + count - 1 as the network's input: [count, C, H, W] floats v / 255 in [0, 1].</summary>
    /// <param name="start">First image index.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="destination">Receives count*SampleSize floats.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the set.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public void CopyUnitFloats(int start, int count, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Count, nameof(count));
        UnitScale.ToUnitFloats(Pixels.AsSpan(start * SampleSize, count * SampleSize), destination);
    }

    /// <summary>How many images each class has.</summary>
    /// <returns>An array of ClassNames.Count counts, indexed by class id.</returns>
    public int[] CountPerClass()
    {
        var counts = new int[ClassNames.Count];
        foreach (int label in Labels)
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>Copies the chosen images, in the order given, into a new set.</summary>
    /// <param name="indices">Image indices in [0, Count); repeats are allowed.</param>
    /// <returns>A new set with its own arrays.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public LabeledImageSet Subset(ReadOnlySpan<int> indices)
    {
        int size = SampleSize;
        var pixels = new byte[(long)indices.Length * size];
        var labels = new int[indices.Length];
        string[]? sources = SourceFiles is null ? null : new string[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int src = indices[i];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)src, (uint)Count, nameof(indices));
            Array.Copy(Pixels, (long)src * size, pixels, (long)i * size, size);
            labels[i] = Labels[src];
            if (sources is not null)
            {
                sources[i] = SourceFiles![src];
            }
        }
        return new LabeledImageSet(pixels, labels, Channels, Height, Width, ClassNames, sources);
    }

    /// <summary>
    /// Picks up to <paramref name="perClass"/> images of every class at random, reproducibly: the
    /// indices of each class are shuffled with <c>new Random(seed)</c> (Fisher-Yates, classes in id
    /// order, one generator for all) and the first perClass kept. A class with fewer images gives
    /// all it has. The result is sorted ascending, so the subset keeps the dataset's order.
    /// </summary>
    /// <param name="perClass">Images wanted per class, &gt;= 0.</param>
    /// <param name="seed">Random seed; the same seed gives the same indices.</param>
    /// <returns>Sorted image indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is negative.</exception>
    public int[] StratifiedIndices(int perClass, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        var byClass = new List<int>[ClassNames.Count];
        for (int c = 0; c < byClass.Length; c++)
        {
            byClass[c] = [];
        }
        for (int i = 0; i < Labels.Length; i++)
        {
            byClass[Labels[i]].Add(i);
        }
        var random = new Random(seed);
        var picked = new List<int>();
        foreach (List<int> members in byClass)
        {
            int[] shuffled = [.. members];
            random.Shuffle(shuffled);
            picked.AddRange(shuffled.Take(perClass));
        }
        picked.Sort();
        return [.. picked];
    }

    /// <summary>
    /// Keeps only the images of some classes and renumbers them: the new class list is
    /// <paramref name="classNames"/> in the order given, so an image of class
    /// <c>classNames[k]</c> gets label k. Images keep the dataset's order. Used for class subsets
    /// such as seed004's four FER-2013 classes (happy, sad, neutral, surprise).
    /// </summary>
    /// <param name="classNames">Names of the classes to keep, each a name of <see cref="ClassNames"/> (ordinal, case-sensitive), no repeats.</param>
    /// <returns>A new set with its own arrays and the new class list.</returns>
    /// <exception cref="ArgumentException">The list is empty, repeats a name, or names a class this set does not have (the message lists the available ones).</exception>
    public LabeledImageSet SelectClasses(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException("at least one class must be selected.", nameof(classNames));
        }
        // newLabel[old class id] = position in classNames, or -1 when the class is dropped.
        var newLabel = new int[ClassNames.Count];
        Array.Fill(newLabel, -1);
        for (int k = 0; k < classNames.Count; k++)
        {
            int old = -1;
            for (int c = 0; c < ClassNames.Count; c++)
            {
                if (string.Equals(ClassNames[c], classNames[k], StringComparison.Ordinal))
                {
                    old = c;
                    break;
                }
            }
            if (old < 0)
            {
                throw new ArgumentException(
                    $"class '{classNames[k]}' is not in this set; available: {string.Join(", ", ClassNames)}.", nameof(classNames));
            }
            if (newLabel[old] >= 0)
            {
                throw new ArgumentException($"class '{classNames[k]}' is selected twice.", nameof(classNames));
            }
            newLabel[old] = k;
        }

        var keep = new List<int>();
        for (int i = 0; i < Labels.Length; i++)
        {
            if (newLabel[Labels[i]] >= 0)
            {
                keep.Add(i);
            }
        }
        LabeledImageSet picked = Subset(keep.ToArray());
        var labels = new int[picked.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = newLabel[picked.Labels[i]];
        }
        return new LabeledImageSet(picked.Pixels, labels, Channels, Height, Width, [.. classNames], picked.SourceFiles);
    }

    /// <summary>A reproducible class-balanced subset: <c>Subset(StratifiedIndices(perClass, seed))</c>. Handy for small, fast tests.</summary>
    /// <param name="perClass">Images wanted per class, &gt;= 0.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>A new set with its own arrays.</returns>
    public LabeledImageSet StratifiedSample(int perClass, int seed) => Subset(StratifiedIndices(perClass, seed));
}
