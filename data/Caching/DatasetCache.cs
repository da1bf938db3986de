using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NativeCnn.Data.Caching;

/// <summary>
/// Stores decoded datasets as one flat binary file per (dataset, key), so the second run skips
/// decoding. The key is a SHA-256 over the source listing (relative paths, sizes, modification
/// times) and the preprocessing, so any change to either makes a new file.
/// </summary>
/// <remarks>
/// <para>File layout (little-endian), version 2:</para>
/// <code>
/// "NCDSCACH" (8 bytes) | int32 version | key (32 bytes)
/// int32 issueCount, per issue: string file, int32 line, string message
/// int32 setCount, per set: int32 N, C, H, W | int32 classCount, class names | byte hasSources, N source names
/// per set: pixels (N*C*H*W uint8, exactly <see cref="LabeledImageSet.Pixels"/>) | labels (N int32)
/// SHA-256 of everything above (32 bytes)
/// </code>
/// <para>Strings are BinaryWriter's (7-bit length prefix, UTF-8). Version 1 stored resized sets
/// as float32, four times the size; its files are rejected as another version.</para>
/// <para>Writes are atomic: a temporary file in the same folder is written, flushed to disk
/// (fsync) and renamed over the target, so a crash never leaves a half-written cache under the
/// real name. Reads check magic, version, key, that every size fits the file, and the checksum
/// (computed in the same single pass as the parse) before returning anything; a file that fails
/// is deleted and reported as a miss, and the caller rebuilds it.</para>
/// <para>The folder stays bounded: a load that hits refreshes the file's modification time, and a
/// store keeps only the <see cref="KeepPerName"/> most recently used files of its dataset name,
/// deleting older keys. Without that, every change to the sources' listing (a fresh copy, a
/// remount that resets modification times) would leave one more full-size file behind, while a
/// few keys per name still let runs with different preprocessing (48x48 and 64x64 of one folder)
/// take turns without rebuilding. Big-endian machines never use the cache.</para>
/// </remarks>
public sealed class DatasetCache
{
    private const string Magic = "NCDSCACH";
    private const int FormatVersion = 2;
    private const int HashSize = 32;

    /// <summary>How many files (keys) one dataset name keeps; a store deletes the older ones.</summary>
    public const int KeepPerName = 3;

    /// <summary>Age after which a leftover temporary file (from a killed writer) is deleted by a store.</summary>
    private static readonly TimeSpan StaleTemporary = TimeSpan.FromHours(1);

    /// <summary>Creates a cache rooted at <paramref name="directory"/>; the folder is created on first store.</summary>
    /// <param name="directory">Cache folder.</param>
    public DatasetCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The cache folder (absolute).</summary>
    public string Directory { get; }

    /// <summary>Environment variable that overrides <see cref="DefaultDirectory"/>.</summary>
    public const string DirectoryVariable = "NATIVECNN_CACHE_DIR";

    /// <summary>
    /// The user's cache folder, whatever folder a command runs from: <c>$NATIVECNN_CACHE_DIR</c>
    /// when set, else <c>$XDG_CACHE_HOME/nativecnn</c> (XDG Base Directory specification), else
    /// <c>~/.cache/nativecnn</c>. (Before version 2 caches lived in <c>./.cache/datasets</c>; those
    /// files are no longer read and can be deleted.)
    /// </summary>
    /// <returns>An absolute folder path (not necessarily existing yet).</returns>
    public static string DefaultDirectory()
    {
        string? overridden = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return Path.GetFullPath(overridden);
        }
        // The specification says a relative XDG_CACHE_HOME is invalid and must be ignored.
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "nativecnn");
    }

    /// <summary>
    /// Hashes a source listing and a preprocessing description into a cache key. The listing is
    /// sorted (ordinal) first, so enumeration order does not matter.
    /// </summary>
    /// <param name="kind">Reader identity and version, e.g. "fer2013-folder/1"; bump it when the reader's output changes.</param>
    /// <param name="listing">Every source file.</param>
    /// <param name="preprocessing">Everything else that shapes the output, e.g. "48x48x1 resize=False".</param>
    /// <returns>64 lowercase hex digits.</returns>
    public static string ComputeKey(string kind, IEnumerable<SourceFileEntry> listing, string preprocessing)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        line.Append("NativeCnn dataset cache v").Append(FormatVersion).Append('\n')
            .Append(kind).Append('\n').Append(preprocessing).Append('\n');
        hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        foreach (SourceFileEntry entry in listing.OrderBy(e => e.RelativePath, StringComparer.Ordinal))
        {
            line.Clear();
            line.Append(entry.RelativePath).Append('\t')
                .Append(entry.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(entry.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The file that holds (<paramref name="name"/>, <paramref name="key"/>).</summary>
    /// <param name="name">Dataset label, used in the file name; letters, digits, '-' and '_' only.</param>
    /// <param name="key">Key from <see cref="ComputeKey"/>.</param>
    /// <returns><c>&lt;Directory&gt;/&lt;name&gt;-&lt;first 16 hex digits of key&gt;.nccache</c>.</returns>
    /// <exception cref="ArgumentException">The name or key is malformed.</exception>
    public string PathFor(string name, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"cache name '{name}' may only hold ASCII letters, digits, '-' and '_'.", nameof(name));
        }
        if (key.Length != 2 * HashSize || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"cache key must be 64 lowercase hex digits, got '{key}'.", nameof(key));
        }
        return Path.Combine(Directory, $"{name}-{key[..16]}.nccache");
    }

    /// <summary>
    /// Loads a cached dataset if a valid file exists. A file that is truncated, corrupt, of another
    /// version or for another key is deleted and treated as a miss.
    /// </summary>
    /// <param name="name">Dataset label (see <see cref="PathFor"/>).</param>
    /// <param name="key">Key from <see cref="ComputeKey"/>.</param>
    /// <param name="rejectReason">Null on a hit or when no file existed; otherwise why the file was not trusted.</param>
    /// <returns>The dataset, or null on a miss.</returns>
    public CachedDataset? TryLoad(string name, string key, out string? rejectReason)
    {
        rejectReason = null;
        string path = PathFor(name, key);
        if (!File.Exists(path))
        {
            return null;
        }
        if (!BitConverter.IsLittleEndian)
        {
            rejectReason = "cache files are little-endian only";
            return null;
        }
        try
        {
            CachedDataset? data = ReadVerified(path, key, out rejectReason);
            if (data is not null)
            {
                MarkUsed(path);
                return data;
            }
        }
        catch (IOException ex)
        {
            rejectReason = $"unreadable ({ex.GetType().Name}: {ex.Message})";
        }
        TryDelete(path);
        return null;
    }

    /// <summary>
    /// Writes a dataset atomically under (<paramref name="name"/>, <paramref name="key"/>), replacing any
    /// previous file, then deletes all but the <see cref="KeepPerName"/> most recently used files of
    /// <paramref name="name"/> and its temporary files older than an hour.
    /// </summary>
    /// <param name="name">Dataset label (see <see cref="PathFor"/>).</param>
    /// <param name="key">Key from <see cref="ComputeKey"/>.</param>
    /// <param name="data">What to store.</param>
    /// <returns>The cache file's path.</returns>
    /// <exception cref="IOException">The folder or file cannot be written (the temporary file is removed).</exception>
    public string Store(string name, string key, CachedDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        string path = PathFor(name, key);
        System.IO.Directory.CreateDirectory(Directory);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    var hashing = new HashingWriteStream(file, hash);
                    using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                    {
                        WriteBody(writer, key, data);
                    }
                    file.Write(hash.GetHashAndReset());
                }
                // fsync before the rename: otherwise a crash could leave the new name pointing at unwritten blocks.
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            Prune(name, path);
            return path;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void WriteBody(BinaryWriter writer, string key, CachedDataset data)
    {
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(FormatVersion);
        writer.Write(Convert.FromHexString(key));
        writer.Write(data.Issues.Count);
        foreach (DatasetIssue issue in data.Issues)
        {
            writer.Write(issue.File);
            writer.Write(issue.Line);
            writer.Write(issue.Message);
        }
        writer.Write(data.Sets.Count);
        foreach (LabeledImageSet set in data.Sets)
        {
            writer.Write(set.Count);
            writer.Write(set.Channels);
            writer.Write(set.Height);
            writer.Write(set.Width);
            writer.Write(set.ClassNames.Count);
            foreach (string className in set.ClassNames)
            {
                writer.Write(className);
            }
            writer.Write(set.SourceFiles is not null);
            if (set.SourceFiles is not null)
            {
                foreach (string source in set.SourceFiles)
                {
                    writer.Write(source);
                }
            }
        }
        foreach (LabeledImageSet set in data.Sets)
        {
            writer.Write(set.Pixels);
            writer.Write(MemoryMarshal.AsBytes(set.Labels.AsSpan()));
        }
    }

    /// <summary>
    /// Reads and checks a cache file in one pass: header fields first (magic, version, key), then
    /// the body is parsed while being hashed, every count is checked against the bytes left before
    /// anything is allocated, and the result is only returned if the trailing SHA-256 matches.
    /// Returns null and sets <paramref name="rejectReason"/> when the file is not sound.
    /// </summary>
    private static CachedDataset? ReadVerified(string path, string key, out string? rejectReason)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int headerSize = Magic.Length + sizeof(int) + HashSize;
        if (file.Length < headerSize + HashSize)
        {
            rejectReason = $"truncated: {file.Length} bytes";
            return null;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = new HashingReadStream(file, hash, file.Length - HashSize);
        Span<byte> header = stackalloc byte[headerSize];
        body.ReadExactly(header);
        if (!header[..Magic.Length].SequenceEqual(Encoding.ASCII.GetBytes(Magic)))
        {
            rejectReason = "bad magic (not a NativeCnn dataset cache)";
            return null;
        }
        int version = BitConverter.ToInt32(header.Slice(Magic.Length, sizeof(int)));
        if (version != FormatVersion)
        {
            rejectReason = $"format version {version}, expected {FormatVersion}";
            return null;
        }
        if (!header[(Magic.Length + sizeof(int))..].SequenceEqual(Convert.FromHexString(key)))
        {
            rejectReason = "key mismatch (file belongs to other sources or preprocessing)";
            return null;
        }

        CachedDataset data;
        try
        {
            data = ParseBody(body);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or OverflowException or ArgumentException)
        {
            // A truncated file usually surfaces here, as a short read or sizes that do not add up.
            rejectReason = $"truncated or corrupt ({ex.Message})";
            return null;
        }
        if (body.Remaining != 0)
        {
            rejectReason = $"{body.Remaining} unexpected bytes after the data";
            return null;
        }
        Span<byte> stored = stackalloc byte[HashSize];
        file.ReadExactly(stored);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            rejectReason = "checksum mismatch (file corrupt)";
            return null;
        }
        rejectReason = null;
        return data;
    }

    private static CachedDataset ParseBody(HashingReadStream body)
    {
        using var reader = new BinaryReader(body, Encoding.UTF8, leaveOpen: true);

        int issueCount = ReadCount(reader, body, 3);
        var issues = new List<DatasetIssue>(issueCount);
        for (int i = 0; i < issueCount; i++)
        {
            issues.Add(new DatasetIssue(reader.ReadString(), reader.ReadInt32(), reader.ReadString()));
        }

        int setCount = ReadCount(reader, body, 21);
        var shapes = new (int N, int C, int H, int W, string[] Classes, string[]? Sources)[setCount];
        for (int s = 0; s < setCount; s++)
        {
            int n = ReadCount(reader, body, 1), c = ReadCount(reader, body, 0), h = ReadCount(reader, body, 0), w = ReadCount(reader, body, 0);
            var classes = new string[ReadCount(reader, body, 1)];
            for (int k = 0; k < classes.Length; k++)
            {
                classes[k] = reader.ReadString();
            }
            string[]? sources = null;
            if (reader.ReadBoolean())
            {
                sources = new string[Math.Min(n, checked((int)body.Remaining))];
                if (sources.Length != n)
                {
                    throw new FormatException($"{n} source names cannot fit in {body.Remaining} bytes");
                }
                for (int k = 0; k < n; k++)
                {
                    sources[k] = reader.ReadString();
                }
            }
            shapes[s] = (n, c, h, w, classes, sources);
        }

        long payload = 0;
        foreach (var shape in shapes)
        {
            long values = checked((long)shape.N * shape.C * shape.H * shape.W);
            payload = checked(payload + values + (long)shape.N * sizeof(int));
        }
        if (payload != body.Remaining)
        {
            throw new FormatException($"payload is {body.Remaining} bytes, header promises {payload}");
        }

        var sets = new LabeledImageSet[setCount];
        for (int s = 0; s < setCount; s++)
        {
            var shape = shapes[s];
            var pixels = GC.AllocateUninitializedArray<byte>(checked(shape.N * shape.C * shape.H * shape.W));
            body.ReadExactly(pixels);
            var labels = new int[shape.N];
            body.ReadExactly(MemoryMarshal.AsBytes(labels.AsSpan()));
            sets[s] = new LabeledImageSet(pixels, labels, shape.C, shape.H, shape.W, shape.Classes, shape.Sources);
        }
        return new CachedDataset(sets, issues);
    }

    /// <summary>Reads a count and rejects one that could not fit in the bytes left (each item takes at least <paramref name="minBytesEach"/>), so a corrupt field cannot trigger a huge allocation.</summary>
    private static int ReadCount(BinaryReader reader, HashingReadStream body, int minBytesEach)
    {
        int value = reader.ReadInt32();
        if (value < 0 || (long)value * minBytesEach > body.Remaining)
        {
            throw new FormatException($"count {value} does not fit in the {body.Remaining} bytes left");
        }
        return value;
    }

    // Best effort: the data is already loaded, so a failure here must not fail the caller.
    private static void MarkUsed(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void Prune(string name, string justWritten)
    {
        var older = new DirectoryInfo(Directory).EnumerateFiles($"{name}-*.nccache")
            .Where(f => f.FullName != justWritten && IsKeyFile(f.Name, name))
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Skip(KeepPerName - 1);
        var staleTemporaries = new DirectoryInfo(Directory).EnumerateFiles($"{name}-*.nccache.*.tmp")
            .Where(f => DateTime.UtcNow - f.LastWriteTimeUtc > StaleTemporary);
        foreach (FileInfo file in older.Concat(staleTemporaries).ToList())
        {
            TryDelete(file.FullName);
        }
    }

    // "fer2013-folder-<16 hex>.nccache" only: the glob for "fer2013" would also match "fer2013-folder-…".
    private static bool IsKeyFile(string fileName, string name) =>
        fileName.Length == name.Length + 1 + 16 + ".nccache".Length
        && !fileName.AsSpan(name.Length + 1, 16).ContainsAnyExcept("0123456789abcdef");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a file we cannot delete is rejected again next time.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
