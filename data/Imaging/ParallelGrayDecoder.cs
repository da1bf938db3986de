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
}
