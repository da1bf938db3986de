using System.Runtime.ExceptionServices;

namespace NativeCnn.Data.Imaging;

/// <summary>
/// Decodes a list of image files into consecutive [height, width] gray slots on several threads.
/// Slot i always belongs to file i, so the output does not depend on the thread count or on
/// scheduling: the load is deterministic.
/// </summary>
internal static class ParallelGrayDecoder
{
    /// <summary>Decodes every file; undecodable files are returned as failures, not thrown.</summary>
    /// <param name="paths">Files to decode, in slot order.</param>
    /// <param name="pixels">Receives paths.Count * height * width bytes.</param>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="options">Threads, pixel limit and whether images of another size are resized (else they are an error).</param>
    /// <param name="alwaysResize">True: every image is resized, whatever <see cref="ReadOptions.AllowResize"/> says (muxspace, folders, predict).</param>
    /// <returns>Per file: null when decoded, else why not (the decoder's message).</returns>
    /// <exception cref="DatasetException">A file could not be read at all (I/O error), or has the wrong size and resizing is off; with several, the lowest index is reported.</exception>
    public static string?[] DecodeAll(IReadOnlyList<string> paths, byte[] pixels, int height, int width, ReadOptions options, bool alwaysResize)
    {
        int sampleSize = height * width;
        var decoder = new GrayImageDecoder(options.MaxImagePixels);
        var failures = new string?[paths.Count];
        var errors = new Exception?[paths.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads };
        Parallel.For(0, paths.Count, parallel,
            () => new Worker(decoder),
            (i, loop, worker) =>
            {
                try
                {
                    worker.DecodeInto(paths[i], pixels.AsSpan(i * sampleSize, sampleSize), height, width, alwaysResize || options.AllowResize);
                }
                catch (ImageDecodeException ex)
                {
                    failures[i] = ex.CodecMessage;
                }
                catch (Exception ex) when (ex is DatasetException or IOException or UnauthorizedAccessException)
                {
                    // Recorded rather than thrown, so the caller sees a DatasetException naming the
                    // file instead of Parallel.For's AggregateException.
                    errors[i] = ex as DatasetException ?? new DatasetException($"Cannot read image '{paths[i]}': {ex.Message}", ex);
                    loop.Stop();
                }
                return worker;
            },
            _ => { });
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
    /// <param name="options">Size, strictness, pixel limit and threads.</param>
    /// <param name="alwaysResize">True: every image is resized to the output size; false: only with <see cref="ReadOptions.AllowResize"/>.</param>
    /// <returns>The set, the skipped files, and for each image of the set the index of its file in <paramref name="paths"/>.</returns>
    /// <exception cref="ImageDecodeException">A file cannot be decoded and SkipBadImages is off.</exception>
    /// <exception cref="DatasetException">A file cannot be read, or has the wrong size and resizing is off.</exception>
    public static (LabeledImageSet Set, List<DatasetIssue> Issues, int[] Kept) DecodeSet(IReadOnlyList<string> paths, int[] labels,
        string[] sources, IReadOnlyList<string> classNames, ReadOptions options, bool alwaysResize)
    {
        int height = options.Height, width = options.Width;
        var pixels = new byte[(long)paths.Count * height * width];
        string?[] failures = DecodeAll(paths, pixels, height, width, options, alwaysResize);
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
                throw new ImageDecodeException(paths[i], failure);
            }
            issues.Add(new DatasetIssue(paths[i], 0, "skipped: " + failure));
        }
        var set = new LabeledImageSet(pixels, labels, 1, height, width, classNames, sources);
        int[] kept = [.. keep];
        return (issues.Count == 0 ? set : set.Subset(kept), issues, kept);
    }

    /// <summary>Per-thread state: reusable file, gray and resize buffers, so the hot loop allocates little per image.</summary>
    private sealed class Worker(GrayImageDecoder decoder)
    {
        private readonly ReusableFileReader files = new();
        private byte[]? gray;
        private float[]? resizeScratch;

        public void DecodeInto(string path, Span<byte> destination, int height, int width, bool allowResize)
        {
            int length = files.Read(path);
            (int w, int h, _) = decoder.DecodeInto(files.Buffer, length, path, ref gray);
            if ((h != height || w != width) && !allowResize)
            {
                // Only FER-2013's readers keep sizes strict: a face of another size means a file from another data set.
                throw new DatasetException($"Image '{path}' is {w}x{h}, but every image of this data set is {width}x{height}; is the file from another data set?");
            }
            Resize.Gray(gray.AsSpan(0, w * h), h, w, destination, height, width, ref resizeScratch);
        }
    }
}
