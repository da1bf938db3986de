using System.Diagnostics;
using NativeCnn.Data.Caching;
using NativeCnn.Data.Codecs;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Fer2013;

/// <summary>
/// Reads FER-2013 in the Kaggle image-folder layout <c>&lt;root&gt;/{train,test}/&lt;emotion&gt;/&lt;Usage&gt;_&lt;id&gt;.jpg</c>
/// into float32 [N, 1, H, W] sets with pixels in [0, 1].
/// </summary>
/// <remarks>
/// <para>The split comes from the file-name prefix (Training / PublicTest / PrivateTest), not from
/// the folder: that is what the Usage column of the original CSV says, and it is the protocol the
/// papers use (train on Training, select on PublicTest, report on PrivateTest).</para>
/// <para>Labels are the Kaggle ids, taken from the emotion folder name (see <see cref="Fer2013Classes.Names"/>).</para>
/// <para>Order is deterministic: within each split, images are in ordinal order of their path
/// relative to the root ("test/angry/PrivateTest_10131363.jpg" ...). Decoding runs on several
/// threads, but each image is written to its own precomputed slot, so the result does not
/// depend on the thread count or scheduling.</para>
/// <para>Strictness: missing root/train/test folders, a missing, unknown or empty emotion folder,
/// and any file not named <c>&lt;Usage&gt;_&lt;id&gt;.jpg</c> are always errors (a
/// <see cref="DatasetException"/> naming the path), because they mean the tree is not what we
/// think it is. Corrupt, empty or truncated JPEGs throw <see cref="ImageDecodeException"/>
/// unless <see cref="ReadOptions.SkipBadImages"/> is set, in which case they are left out and
/// listed in <see cref="Fer2013Splits.Issues"/>. An image that is not H x W throws unless
/// <see cref="ReadOptions.AllowResize"/> is set.</para>
/// </remarks>
public static class Fer2013FolderReader
{
    /// <summary>Reader identity in cache keys; bump when the output for the same input changes.</summary>
    private const string CacheKind = "fer2013-folder/1";

    private static readonly string[] SplitFolders = ["train", "test"];

    /// <summary>Loads all three splits, from the cache when it is valid.</summary>
    /// <param name="root">Folder that contains <c>train/</c> and <c>test/</c>.</param>
    /// <param name="options">Size, strictness, cache and thread settings; null for <see cref="ReadOptions.Default"/>.</param>
    /// <returns>The splits, plus any issues (only with SkipBadImages).</returns>
    /// <exception cref="DatasetException">The folder tree is not FER-2013's layout, or an image has the wrong size; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">A JPEG is corrupt, empty or truncated (unless SkipBadImages).</exception>
    public static Fer2013Splits Load(string root, ReadOptions? options = null) => Load(root, options, out _);

    /// <summary>Loads all three splits and says how the load went (cache hit or miss, timings).</summary>
    /// <param name="root">Folder that contains <c>train/</c> and <c>test/</c>.</param>
    /// <param name="options">Size, strictness, cache and thread settings; null for <see cref="ReadOptions.Default"/>.</param>
    /// <param name="report">Cache use and elapsed time, for logging.</param>
    /// <returns>The splits, plus any issues (only with SkipBadImages).</returns>
    /// <exception cref="DatasetException">The folder tree is not FER-2013's layout, or an image has the wrong size; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">A JPEG is corrupt, empty or truncated (unless SkipBadImages).</exception>
    public static Fer2013Splits Load(string root, ReadOptions? options, out LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= ReadOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        root = Path.GetFullPath(root);

        List<FileEntry> files = ListFiles(root);

        DatasetCache? cache = null;
        string? key = null;
        string? rejectReason = null;
        if (options.UseCache)
        {
            cache = new DatasetCache(options.CacheDirectory ?? DatasetCache.DefaultDirectory());
            string preprocessing = $"{options.Height}x{options.Width}x1 resize={options.AllowResize} skipBad={options.SkipBadImages}";
            key = DatasetCache.ComputeKey(CacheKind, files.Select(f => f.Source), preprocessing);
            CachedDataset? cached = cache.TryLoad("fer2013-folder", key, out rejectReason);
            if (cached is not null && cached.Sets.Count == 3)
            {
                report = new LoadReport(files.Count, true, cache.PathFor("fer2013-folder", key), null, clock.Elapsed);
                return new Fer2013Splits(cached.Sets[0], cached.Sets[1], cached.Sets[2], cached.Issues);
            }
        }

        Fer2013Splits splits = Decode(files, options);
        string? cachePath = null;
        string? cacheWriteError = null;
        if (cache is not null && key is not null)
        {
            try
            {
                cachePath = cache.Store("fer2013-folder", key,
                    new CachedDataset([splits.Train, splits.PublicTest, splits.PrivateTest], splits.Issues));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The data is decoded and correct; a cache we cannot write only costs the next run time.
                cacheWriteError = $"cannot write cache in '{cache.Directory}': {ex.Message}";
            }
        }
        report = new LoadReport(files.Count, false, cachePath, rejectReason, clock.Elapsed) { CacheWriteError = cacheWriteError };
        return splits;
    }

    /// <summary>One image to read: where it is, what it is, where its pixels go.</summary>
    private sealed record FileEntry(string FullPath, SourceFileEntry Source, int Label, int Split);

    /// <summary>Walks and validates the tree; returns files sorted by ordinal relative path.</summary>
    private static List<FileEntry> ListFiles(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetException($"FER-2013 folder '{root}' does not exist; expected a folder holding train/ and test/.");
        }
        var files = new List<FileEntry>(36_000);
        foreach (string splitFolder in SplitFolders)
        {
            string splitPath = Path.Combine(root, splitFolder);
            if (!Directory.Exists(splitPath))
            {
                throw new DatasetException($"FER-2013 folder '{root}' has no '{splitFolder}' folder; expected {splitFolder}/<emotion>/<Usage>_<id>.jpg.");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dir in new DirectoryInfo(splitPath).EnumerateDirectories())
            {
                int label = Fer2013Classes.ClassIndex(dir.Name);
                if (label < 0)
                {
                    throw new DatasetException(
                        $"Unknown emotion folder '{dir.FullName}'; expected one of: {string.Join(", ", Fer2013Classes.Names)}.");
                }
                seen.Add(dir.Name);
                int before = files.Count;
                foreach (FileInfo file in dir.EnumerateFiles())
                {
                    files.Add(Entry(splitFolder, dir.Name, file, label));
                }
                if (files.Count == before)
                {
                    throw new DatasetException($"Emotion folder '{dir.FullName}' is empty; expected <Usage>_<id>.jpg images.");
                }
            }
            foreach (string name in Fer2013Classes.Names)
            {
                if (!seen.Contains(name))
                {
                    throw new DatasetException($"FER-2013 folder '{splitPath}' has no '{name}' folder; all seven emotion folders are expected.");
                }
            }
            foreach (var stray in new DirectoryInfo(splitPath).EnumerateFiles())
            {
                throw new DatasetException($"Unexpected file '{stray.FullName}'; images belong in {splitFolder}/<emotion>/.");
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Source.RelativePath, b.Source.RelativePath));
        return files;
    }

    private static FileEntry Entry(string splitFolder, string emotion, FileInfo file, int label)
    {
        string name = file.Name;
        int underscore = name.IndexOf('_');
        int split = underscore > 0 ? Fer2013Classes.UsageIndex(name.AsSpan(0, underscore)) : -1;
        bool isJpeg = name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);
        if (split < 0 || !isJpeg)
        {
            throw new DatasetException(
                $"Unexpected file name '{file.FullName}'; expected <Usage>_<id>.jpg with Usage one of {string.Join(", ", Fer2013Classes.Usages)}.");
        }
        string relative = $"{splitFolder}/{emotion}/{name}";
        return new FileEntry(file.FullName, new SourceFileEntry(relative, file.Length, file.LastWriteTimeUtc), label, split);
    }

    private static Fer2013Splits Decode(List<FileEntry> files, ReadOptions options)
    {
        int height = options.Height, width = options.Width, sampleSize = height * width;

        // Slot of every file inside its split, fixed before any thread starts.
        var slot = new int[files.Count];
        var splitCounts = new int[3];
        for (int i = 0; i < files.Count; i++)
        {
            slot[i] = splitCounts[files[i].Split]++;
        }
        var pixels = new float[3][];
        var labels = new int[3][];
        var sources = new string[3][];
        for (int s = 0; s < 3; s++)
        {
            pixels[s] = new float[(long)splitCounts[s] * sampleSize];
            labels[s] = new int[splitCounts[s]];
            sources[s] = new string[splitCounts[s]];
        }
        var failures = new string?[files.Count];
        var errors = new Exception?[files.Count];

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads };
        Parallel.For(0, files.Count, parallel,
            () => new DecodeWorker(),
            (i, loop, worker) =>
            {
                FileEntry file = files[i];
                int s = file.Split, k = slot[i];
                labels[s][k] = file.Label;
                sources[s][k] = file.Source.RelativePath;
                try
                {
                    worker.DecodeInto(file.FullPath, pixels[s].AsSpan(k * sampleSize, sampleSize), height, width, options.AllowResize);
                }
                catch (ImageDecodeException ex) when (options.SkipBadImages)
                {
                    failures[i] = ex.CodecMessage;
                }
                catch (Exception ex) when (ex is DatasetException or IOException or UnauthorizedAccessException)
                {
                    // Recorded rather than thrown, so the caller sees the DatasetException itself
                    // instead of Parallel.For's AggregateException.
                    errors[i] = ex is DatasetException ? ex : new DatasetException($"Cannot read '{file.FullPath}': {ex.Message}", ex);
                    loop.Stop();
                }
                return worker;
            },
            worker => worker.Dispose());

        // Lowest index first: with a single bad file the error is the same on every run.
        if (Array.Find(errors, e => e is not null) is { } firstError)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstError);
        }

        var issues = new List<DatasetIssue>();
        for (int i = 0; i < files.Count; i++)
        {
            if (failures[i] is { } message)
            {
                issues.Add(new DatasetIssue(files[i].FullPath, 0, "skipped: " + message));
            }
        }

        var sets = new LabeledImageSet[3];
        for (int s = 0; s < 3; s++)
        {
            var set = new LabeledImageSet(pixels[s], labels[s], 1, height, width, Fer2013Classes.Names, sources[s]);
            if (issues.Count > 0)
            {
                // Compact: drop the slots of skipped files, keeping order.
                var keep = new List<int>();
                for (int i = 0; i < files.Count; i++)
                {
                    if (files[i].Split == s && failures[i] is null)
                    {
                        keep.Add(slot[i]);
                    }
                }
                set = set.Subset(keep.ToArray());
            }
            sets[s] = set;
        }
        return new Fer2013Splits(sets[0], sets[1], sets[2], issues);
    }

    /// <summary>Per-thread state: a decoder handle and reusable file/gray buffers, so the hot loop allocates nothing per image.</summary>
    private sealed class DecodeWorker : IDisposable
    {
        private readonly TurboJpeg jpeg = new();
        private readonly Imaging.ReusableFileReader files = new();
        private byte[] gray = new byte[Fer2013Classes.ImageSize * Fer2013Classes.ImageSize];

        public void DecodeInto(string path, Span<float> destination, int height, int width, bool allowResize)
        {
            ReadOnlySpan<byte> data = files.Read(path);
            (int w, int h) = jpeg.ReadSize(data, path);
            if ((h != height || w != width) && !allowResize)
            {
                throw new DatasetException($"Image '{path}' is {w}x{h}; expected {width}x{height} (set AllowResize to resize).");
            }
            if (gray.Length < w * h)
            {
                gray = new byte[w * h];
            }
            jpeg.DecodeGray(data, w, h, gray, path);
            Resize.GrayToUnitFloats(gray.AsSpan(0, w * h), h, w, destination, height, width);
        }

        public void Dispose() => jpeg.Dispose();
    }
}
