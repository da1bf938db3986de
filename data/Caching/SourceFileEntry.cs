namespace NativeCnn.Data.Caching;

/// <summary>
/// One source file as it enters a cache key: if a file is added, removed, renamed, resized or
/// touched, the key changes and the cache is rebuilt.
/// </summary>
/// <param name="RelativePath">Path relative to the dataset root, with '/' separators.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastWriteTimeUtc">Modification time (UTC).</param>
public readonly record struct SourceFileEntry(string RelativePath, long Length, DateTime LastWriteTimeUtc);
