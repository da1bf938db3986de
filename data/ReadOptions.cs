namespace NativeCnn.Data;

/// <summary>How a reader should decode, validate and cache a dataset.</summary>
public sealed record ReadOptions
{
    /// <summary>Output image height H in pixels. Default 48 (FER-2013's native size).</summary>
    public int Height { get; init; } = 48;

    /// <summary>Output image width W in pixels. Default 48.</summary>
    public int Width { get; init; } = 48;

    /// <summary>
    /// When false (the default) an image whose size differs from <see cref="Height"/> x
    /// <see cref="Width"/> is an error: for FER-2013 a wrong size means the wrong data. When true
    /// such images are resized (area averaging when shrinking, bilinear when enlarging, rounded to
    /// the nearest byte; see <see cref="Imaging.Resize"/>).
    /// </summary>
    public bool AllowResize { get; init; }

    /// <summary>
    /// When false (the default) the first corrupt, empty or truncated image stops the load with an
    /// <see cref="ImageDecodeException"/>. When true the image is left out and reported in the
    /// result's issue list. Structural problems (missing folders, unknown class folders, badly
    /// named files) always throw.
    /// </summary>
    public bool SkipBadImages { get; init; }

    /// <summary>Use the decoded-dataset cache (read it if valid, write it after decoding). Default true.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Cache folder; null means <see cref="Caching.DatasetCache.DefaultDirectory"/> (<c>$NATIVECNN_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/nativecnn</c>, else <c>~/.cache/nativecnn</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// Largest image, in pixels (width*height), a reader decodes; a larger one is refused after
    /// reading only its header (an <see cref="ImageDecodeException"/>, or a reported skip with
    /// <see cref="SkipBadImages"/>), so a hostile header cannot make a giant allocation. Default
    /// <see cref="Imaging.GrayImageDecoder.DefaultMaxPixels"/> (64 megapixels).
    /// </summary>
    public long MaxImagePixels { get; init; } = Imaging.GrayImageDecoder.DefaultMaxPixels;

    /// <summary>Decoder threads; 0 (the default) means one per processor. The result does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The options every reader starts from when given null.</summary>
    public static ReadOptions Default { get; } = new();

    /// <summary>Checks the values are usable.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the pixel limit is not positive, or the thread count is negative.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxImagePixels, nameof(MaxImagePixels));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Height, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Width, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
    }

    internal int Threads => MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Environment.ProcessorCount;
}
