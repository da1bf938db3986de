using System.Diagnostics;

namespace NativeCnn.Data.Caching;

/// <summary>
/// The one cache-or-decode step every image reader takes: look the listing up in the
/// <see cref="DatasetCache"/>; on a miss decode, store (a cache that cannot be written costs
/// only the next run's time, never this load) and report how it went.
/// </summary>
internal static class CachedLoad
{
    /// <summary>Returns the cached sets when a valid file exists, otherwise <paramref name="decode"/>'s result (stored for next time).</summary>
    /// <param name="options">Cache switch and folder, output size, strictness and pixel limit (all part of the key).</param>
    /// <param name="name">Dataset label in the cache file name, e.g. "fer2013-folder".</param>
    /// <param name="kind">Reader identity and version in the key, e.g. "fer2013-folder/2"; bump it when the reader's output changes.</param>
    /// <param name="listing">Every source file (path, size, time).</param>
    /// <param name="preprocessing">Reader-specific settings that shape the output, beyond those in <paramref name="options"/>.</param>
    /// <param name="setCount">How many sets the reader stores; a cache file with another count is a miss.</param>
    /// <param name="decode">Decodes the sources.</param>
    /// <param name="clock">Started when the load began, listing included.</param>
    /// <param name="report">Cache hit or miss, the file, why an old file was rejected or a new one not written, elapsed time.</param>
    /// <returns>The sets and the issues recorded when they were decoded.</returns>
    public static CachedDataset Run(ReadOptions options, string name, string kind, IReadOnlyCollection<SourceFileEntry> listing,
        string preprocessing, int setCount, Func<CachedDataset> decode, Stopwatch clock, out LoadReport report)
    {
        if (!options.UseCache)
        {
            CachedDataset decoded = decode();
            report = new LoadReport(listing.Count, false, null, null, clock.Elapsed);
            return decoded;
        }
        var cache = new DatasetCache(options.CacheDirectory ?? DatasetCache.DefaultDirectory());
        string key = DatasetCache.ComputeKey(kind, listing,
            $"{options.Height}x{options.Width}x1 gray skipBad={options.SkipBadImages} maxPixels={options.MaxImagePixels} {preprocessing}");
        CachedDataset? cached = cache.TryLoad(name, key, out string? rejectReason);
        if (cached is not null && cached.Sets.Count == setCount)
        {
            report = new LoadReport(listing.Count, true, cache.PathFor(name, key), null, clock.Elapsed);
            return cached;
        }
        CachedDataset data = decode();
        string? path = null, writeError = null;
        try
        {
            path = cache.Store(name, key, data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writeError = $"cannot write cache in '{cache.Directory}': {ex.Message}";
        }
        report = new LoadReport(listing.Count, false, path, rejectReason, clock.Elapsed) { CacheWriteError = writeError };
        return data;
    }
}
