using System.Diagnostics;
using NativeCnn.Data.Caching;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Fer2013;

/// <summary>
/// Reads FER-2013 in the Kaggle image-folder layout <c>&lt;root&gt;/{train,test}/&lt;emotion&gt;/&lt;Usage&gt;_&lt;id&gt;.jpg</c>
/// into [N, 1, H, W] gray sets (bytes; see <see cref="LabeledImageSet"/>).
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
/// think it is. Images are decoded by <see cref="GrayImageDecoder"/> (ImageSharp; the format is
/// read from the content). Corrupt, empty or truncated images throw <see cref="ImageDecodeException"/>
/// unless <see cref="ReadOptions.SkipBadImages"/> is set, in which case they are left out and
/// listed in <see cref="Fer2013Splits.Issues"/>. An image that is not H x W throws unless
/// <see cref="ReadOptions.AllowResize"/> is set.</para>
/// </remarks>
public static class Fer2013FolderReader
{
    /// <summary>Reader identity in cache keys; bump when the output for the same input changes.</summary>
    private const string CacheKind = "fer2013-folder/2";

    private static readonly string[] SplitFolders = ["train", "test"];

    /// <summary>Loads all three splits, from the cache when it is valid.</summary>
    /// <param name="root">Folder that contains <c>train/</c> and <c>test/</c>.</param>
    /// <param name="options">Size, strictness, cache and thread settings; null for <see cref="ReadOptions.Default"/>.</param>
    /// <returns>The splits, plus any issues (only with SkipBadImages).</returns>
    /// <exception cref="DatasetException">The folder tree is not FER-2013's layout, or an image has the wrong size; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">An image is corrupt, empty, truncated or over the pixel limit (unless SkipBadImages).</exception>
    public static Fer2013Splits Load(string root, ReadOptions? options = null) => Load(root, options, out _);

    /// <summary>Loads all three splits and says how the load went (cache hit or miss, timings).</summary>
    /// <param name="root">Folder that contains <c>train/</c> and <c>test/</c>.</param>
    /// <param name="options">Size, strictness, cache and thread settings; null for <see cref="ReadOptions.Default"/>.</param>
    /// <param name="report">Cache use and elapsed time, for logging.</param>
    /// <returns>The splits, plus any issues (only with SkipBadImages).</returns>
    /// <exception cref="DatasetException">The folder tree is not FER-2013's layout, or an image has the wrong size; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">An image is corrupt, empty, truncated or over the pixel limit (unless SkipBadImages).</exception>
    public static Fer2013Splits Load(string root, ReadOptions? options, out LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= ReadOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        root = Path.GetFullPath(root);

        List<FileEntry> files = ListFiles(root);
        CachedDataset data = CachedLoad.Run(options, "fer2013-folder", CacheKind, [.. files.Select(f => f.Source)],
            $"resize={options.AllowResize}", 3, () => Decode(files, options), clock, out report);
        return new Fer2013Splits(data.Sets[0], data.Sets[1], data.Sets[2], data.Issues);
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

    /// <summary>Decodes every file in listing order, then deals the images into the three splits (order kept).</summary>
    private static CachedDataset Decode(List<FileEntry> files, ReadOptions options)
    {
        (LabeledImageSet all, List<DatasetIssue> issues, int[] kept) = ParallelGrayDecoder.DecodeSet(
            files.Select(f => f.FullPath).ToArray(), files.Select(f => f.Label).ToArray(),
            files.Select(f => f.Source.RelativePath).ToArray(), Fer2013Classes.Names, options, alwaysResize: false);
        var sets = new LabeledImageSet[3];
        for (int s = 0; s < 3; s++)
        {
            sets[s] = all.Subset(Enumerable.Range(0, kept.Length).Where(i => files[kept[i]].Split == s).ToArray());
        }
        return new CachedDataset(sets, issues);
    }
}
