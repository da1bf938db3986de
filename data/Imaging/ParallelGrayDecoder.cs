using System.Runtime.ExceptionServices;

namespace NativeCnn.Data.Imaging;

/// <summary>
/// Decodes a list of image files into consecutive [height, width] float slots on several threads.
/// Slot i always belongs to file i, so the output does not depend on the thread count or on
/// scheduling: the load is deterministic.
/// </summary>
internal static class ParallelGrayDecoder
{
    /// <summary>Decodes every file; undecodable files are returned as failures, not thrown.</summary>
    /// <param name="paths">Files to decode, in slot order.</param>
    /// <param name="pixels">Receives paths.Count * height * width floats.</param>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="threads">Maximum decoder threads.</param>
    /// <returns>Per file: null when decoded, else why not.</returns>
    /// <exception cref="DatasetException">A file could not be read at all (I/O error); with several, the lowest index is reported.</exception>
    public static DecodeFailure?[] DecodeAll(IReadOnlyList<string> paths, float[] pixels, int height, int width, int threads)
    {
        int sampleSize = height * width;
        var failures = new DecodeFailure?[paths.Count];
        var errors = new Exception?[paths.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        Parallel.For(0, paths.Count, parallel,
            () => new GrayFileDecoder(),
            (i, loop, decoder) =>
            {
                try
                {
                    failures[i] = decoder.TryDecodeInto(paths[i], pixels.AsSpan(i * sampleSize, sampleSize), height, width);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Recorded rather than thrown, so the caller sees a DatasetException naming the
                    // file instead of Parallel.For's AggregateException.
                    errors[i] = new DatasetException($"Cannot read image '{paths[i]}': {ex.Message}", ex);
                    loop.Stop();
                }
                return decoder;
            },
            decoder => decoder.Dispose());
        if (Array.Find(errors, e => e is not null) is { } first)
        {
            ExceptionDispatchInfo.Throw(first);
        }
        return failures;
    }

    /// <summary>
    /// Decodes labelled files into a [N, 1, H, W] set. An undecodable file throws
    /// <see cref="ImageDecodeException"/> (the lowest index, so the error is the same on every
    /// run) unless <see cref="ReadOptions.SkipBadImages"/> is set, in which case it is left out
    /// (order kept) and reported as "skipped: reason".
    /// </summary>
    /// <param name="paths">Files, in output order.</param>
    /// <param name="labels">Class id per file.</param>
    /// <param name="sources">Name per file for <see cref="LabeledImageSet.SourceFiles"/>.</param>
    /// <param name="classNames">The class list.</param>
    /// <param name="options">Size, strictness and threads.</param>
    /// <returns>The set and the skipped files.</returns>
    /// <exception cref="ImageDecodeException">A file cannot be decoded and SkipBadImages is off.</exception>
    /// <exception cref="DatasetException">A file cannot be read.</exception>
    public static (LabeledImageSet Set, List<DatasetIssue> Issues) DecodeSet(IReadOnlyList<string> paths, int[] labels, string[] sources,
        IReadOnlyList<string> classNames, ReadOptions options)
    {
        int height = options.Height, width = options.Width;
        var pixels = new float[(long)paths.Count * height * width];
        DecodeFailure?[] failures = DecodeAll(paths, pixels, height, width, options.Threads);
        var issues = new List<DatasetIssue>();
        var keep = new List<int>(paths.Count);
        for (int i = 0; i < paths.Count; i++)
        {
            if (failures[i] is not { } failure)
            {
                keep.Add(i);
                continue;
            }
            if (!options.SkipBadImages)
            {
                throw new ImageDecodeException(paths[i], failure.Message);
            }
            issues.Add(new DatasetIssue(paths[i], 0, "skipped: " + failure.Message));
        }
        var set = new LabeledImageSet(pixels, labels, 1, height, width, classNames, sources);
        return (issues.Count == 0 ? set : set.Subset(keep.ToArray()), issues);
    }
}
