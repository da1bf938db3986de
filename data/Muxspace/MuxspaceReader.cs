using System.Diagnostics;
using System.Security.Cryptography;
using NativeCnn.Data.Caching;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Muxspace;

/// <summary>
/// Reads muxspace/facial_expressions (<c>&lt;root&gt;/legend.csv</c> + <c>&lt;root&gt;/images/</c>)
/// into a grayscale [N, 1, H, W] set with pixels in [0, 1] and the eight classes of
/// <see cref="MuxspaceClasses.Names"/>, plus a <see cref="MuxspaceReport"/> of everything skipped.
/// </summary>
/// <remarks>
/// <para>Policies for the real data's quirks (each case is counted and listed in the report):</para>
/// <list type="bullet">
/// <item>Labels are compared case-insensitively ("HAPPINESS" is "happiness").</item>
/// <item>An image listed twice with the same label is loaded once.</item>
/// <item>An image listed with different labels (Avinash_30.jpg: surprise and sadness) is dropped:
/// picking either would train on a label that is wrong half the time.</item>
/// <item>Rows with an unknown label, malformed rows and rows whose image file is missing are ignored.</item>
/// <item>Files in images/ with no legend row are counted, not loaded.</item>
/// <item>The format is read from the content: a file whose content is not what its name says
/// (facial-expressions_2868588k.jpg holds WebP) is loaded and reported as
/// <see cref="MuxspaceIssueKind.MisnamedFormat"/>.</item>
/// <item>Files whose content is no image format we decode are skipped whatever
/// <see cref="ReadOptions.SkipBadImages"/> says.</item>
/// <item>Corrupt or truncated images throw <see cref="ImageDecodeException"/> unless SkipBadImages is set.</item>
/// </list>
/// <para>Images come in many sizes and in colour: every image is converted to gray as PIL does
/// (<see cref="GrayImageDecoder"/>) and resized to Height x Width (area averaging when
/// shrinking, bilinear when enlarging); <see cref="ReadOptions.AllowResize"/> is not consulted.
/// Images are ordered by file name (ordinal) and decoded in parallel into fixed slots, so the
/// result does not depend on the thread count.</para>
/// <para>The decoded set is cached (see <see cref="DatasetCache"/>) under a key made of the
/// image listing (names, sizes, times), the legend's SHA-256 and the output size; a second load
/// only re-reads the legend, lists the folder and reads file headers.</para>
/// </remarks>
public static class MuxspaceReader
{
    /// <summary>Reader identity in cache keys; bump when the output for the same input changes.</summary>
    private const string CacheKind = "muxspace/2";

    /// <summary>Loads the dataset, from the cache when it is valid.</summary>
    /// <param name="root">Folder that holds legend.csv and images/.</param>
    /// <param name="options">Output size, strictness, cache and threads; null for <see cref="ReadOptions.Default"/> (48x48).</param>
    /// <returns>The images and the report.</returns>
    /// <exception cref="DatasetException">root, legend.csv or images/ is missing, or the legend header is wrong; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">A labelled image is corrupt or truncated (unless SkipBadImages).</exception>
    public static MuxspaceDataset Load(string root, ReadOptions? options = null) => Load(root, options, out _);

    /// <summary>Loads the dataset and says how the load went (cache hit or miss, timings).</summary>
    /// <param name="root">Folder that holds legend.csv and images/.</param>
    /// <param name="options">Output size, strictness, cache and threads; null for <see cref="ReadOptions.Default"/> (48x48).</param>
    /// <param name="load">Cache use and elapsed time, for logging.</param>
    /// <returns>The images and the report.</returns>
    /// <exception cref="DatasetException">root, legend.csv or images/ is missing, or the legend header is wrong; the message names the path.</exception>
    /// <exception cref="ImageDecodeException">A labelled image is corrupt or truncated (unless SkipBadImages).</exception>
    public static MuxspaceDataset Load(string root, ReadOptions? options, out LoadReport load)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= ReadOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        root = Path.GetFullPath(root);
        string legendPath = Path.Combine(root, "legend.csv");
        string imagesPath = Path.Combine(root, "images");
        if (!Directory.Exists(root))
        {
            throw new DatasetException($"muxspace folder '{root}' does not exist; expected a folder holding legend.csv and images/.");
        }
        if (!File.Exists(legendPath))
        {
            throw new DatasetException($"muxspace folder '{root}' has no legend.csv; expected a CSV with header user.id,image,emotion.");
        }
        if (!Directory.Exists(imagesPath))
        {
            throw new DatasetException($"muxspace folder '{root}' has no images/ folder.");
        }

        byte[] legendBytes = File.ReadAllBytes(legendPath);
        MuxspaceLegend legend = MuxspaceLegend.Parse(legendPath, legendBytes);
        var issues = new List<(MuxspaceIssueKind Kind, DatasetIssue Issue)>(legend.Issues);

        FileInfo[] files = new DirectoryInfo(imagesPath).GetFiles();
        Array.Sort(files, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var present = new HashSet<string>(files.Select(f => f.Name), StringComparer.Ordinal);

        foreach ((string image, int line) in legend.FirstLine.OrderBy(p => p.Value))
        {
            if (!present.Contains(image))
            {
                issues.Add((MuxspaceIssueKind.MissingImage, new DatasetIssue(legendPath, line,
                    $"image '{image}' is not in {imagesPath}; row ignored")));
            }
        }

        var decoder = new GrayImageDecoder(options.MaxImagePixels);
        var candidates = new List<(FileInfo File, int Label)>(files.Length);
        foreach (FileInfo file in files)
        {
            if (!legend.Listed.Contains(file.Name))
            {
                issues.Add((MuxspaceIssueKind.UnlabelledImage, new DatasetIssue(file.FullName, 0, "no row in legend.csv; not loaded")));
                continue;
            }
            if (!legend.Labels.TryGetValue(file.Name, out int label))
            {
                continue; // Conflicting or unknown label: already reported from the legend.
            }
            (string Name, IReadOnlyList<string> Extensions)? format;
            try
            {
                format = ReadFormat(decoder, file.FullName);
            }
            catch (ImageDecodeException e)
            {
                issues.Add((MuxspaceIssueKind.UnsupportedFormat, new DatasetIssue(file.FullName, 0, e.CodecMessage + "; skipped")));
                continue;
            }
            if (format is not { } found)
            {
                issues.Add((MuxspaceIssueKind.UnsupportedFormat, new DatasetIssue(file.FullName, 0,
                    "content is not JPEG, PNG, BMP, GIF, TIFF or WebP (by its first bytes); skipped")));
                continue;
            }
            string extension = file.Extension.TrimStart('.').ToLowerInvariant();
            if (!found.Extensions.Contains(extension))
            {
                issues.Add((MuxspaceIssueKind.MisnamedFormat, new DatasetIssue(file.FullName, 0,
                    $"holds {found.Name} data (by its content) under a .{extension} name; decoded as {found.Name}")));
            }
            candidates.Add((file, label));
        }

        string legendHash = Convert.ToHexStringLower(SHA256.HashData(legendBytes));
        CachedDataset data = CachedLoad.Run(options, "muxspace", CacheKind,
            [.. candidates.Select(c => new SourceFileEntry("images/" + c.File.Name, c.File.Length, c.File.LastWriteTimeUtc))],
            $"legend-sha256={legendHash}", 1, () =>
            {
                (LabeledImageSet set, List<DatasetIssue> decodeIssues, _) = ParallelGrayDecoder.DecodeSet(
                    candidates.Select(c => c.File.FullName).ToArray(), candidates.Select(c => c.Label).ToArray(),
                    candidates.Select(c => c.File.Name).ToArray(), MuxspaceClasses.Names, options, alwaysResize: true);
                return new CachedDataset([set], decodeIssues);
            }, clock, out load);
        issues.AddRange(data.Issues.Select(i => (MuxspaceIssueKind.CorruptImage, i)));
        return Result(legend, files.Length, data.Sets[0], issues);
    }

    private static MuxspaceDataset Result(MuxspaceLegend legend, int fileCount, LabeledImageSet set,
        List<(MuxspaceIssueKind Kind, DatasetIssue Issue)> issues) =>
        new(set, new MuxspaceReport(legend.Rows, fileCount, set.Count, issues));

    private static (string Name, IReadOnlyList<string> Extensions)? ReadFormat(GrayImageDecoder decoder, string path)
    {
        try
        {
            return decoder.DetectFormat(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"Cannot read image '{path}': {ex.Message}", ex);
        }
    }
}
