namespace NativeCnn.Data;

/// <summary>How a dataset load went, for logs: whether the cache served it and how long it took.</summary>
/// <param name="SourceFiles">Number of source files listed.</param>
/// <param name="FromCache">True when the data came from the cache without decoding.</param>
/// <param name="CacheFile">The cache file read or written; null when caching was off.</param>
/// <param name="CacheRejectReason">Why an existing cache file was not trusted (and rebuilt); null otherwise.</param>
/// <param name="Elapsed">Wall-clock time of the whole load, listing included.</param>
public sealed record LoadReport(int SourceFiles, bool FromCache, string? CacheFile, string? CacheRejectReason, TimeSpan Elapsed)
{
    /// <summary>Why the freshly decoded data could not be written to the cache (the load itself succeeded); null when it was written or caching was off.</summary>
    public string? CacheWriteError { get; init; }
}
