using System.Diagnostics;
using NativeCnn.Data.Caching;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Folders;

/// <summary>
/// Reads a folder-per-class image tree, like Keras' <c>flow_from_directory</c>:
/// <c>&lt;root&gt;/&lt;class&gt;/**/*.{jpg,jpeg,png,bmp,gif,tif,tiff,webp}</c>. Classes are the subfolder names sorted
/// ordinally (Keras sorts them too, so class ids agree with a Keras model trained on the tree).
/// Images become grayscale [N, 1, H, W] bytes (<see cref="GrayImageDecoder"/>), resized to Height x Width.
/// </summary>
/// <remarks>
/// <para>Files are found recursively inside each class folder (as Keras does) and ordered by
/// class, then by relative path (ordinal); decoding runs in parallel into fixed slots, so the
/// result does not depend on the thread count. The format is read from the content, so a PNG
/// named .jpg still loads.</para>
/// <para>Errors (a <see cref="DatasetException"/> naming the path): the root is missing, has no
/// class folders, or a class folder holds no image. Files directly in the root and files without
/// an image extension (<see cref="GrayImageDecoder.FileExtensions"/>) are not images of any class: they are left out and reported as
/// issues. An undecodable image (corrupt, or another format behind an image extension) throws
/// <see cref="ImageDecodeException"/> naming the file unless <see cref="ReadOptions.SkipBadImages"/>
/// is set, in which case it is reported and left out. Every image is resized;
/// <see cref="ReadOptions.AllowResize"/> is not consulted (Keras' target_size does the same).</para>
/// <para>Cached like the other readers, keyed by the listing (paths, sizes, times) and the output size.</para>
/// </remarks>
public static class ImageFolderReader
{
    /// <summary>Reader identity in cache keys; bump when the output for the same input changes.</summary>
    private const string CacheKind = "image-folder/2";

    /// <summary>The classes of the tree at <paramref name="root"/>, in label order: its subfolder names, sorted ordinally (as Keras sorts them).</summary>
    /// <exception cref="DatasetException">The root is missing or has no class folders.</exception>
    public static IReadOnlyList<string> ClassNames(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DatasetException($"Image folder '{root}' does not exist; expected one subfolder per class.");
        }
        string[] classes = [.. Directory.GetDirectories(root).Select(Path.GetFileName).Cast<string>().Order(StringComparer.Ordinal)];
        if (classes.Length == 0)
        {
            throw new DatasetException($"Image folder '{root}' has no class subfolders; expected <class>/<image>.jpg|.png.");
        }
        return classes;
    }

    /// <summary>Loads the tree, from the cache when it is valid.</summary>
    /// <param name="root">Folder holding one subfolder per class.</param>
    /// <param name="options">Output size, strictness, cache and threads; null for <see cref="ReadOptions.Default"/> (48x48).</param>
    /// <returns>The images and any issues.</returns>
    /// <exception cref="DatasetException">The root is missing, has no class folders, or a class folder has no image; the message names the folder.</exception>
    /// <exception cref="ImageDecodeException">An image cannot be decoded (unless SkipBadImages); the message names the file.</exception>
    public static ImageFolderSet Load(string root, ReadOptions? options = null) => Load(root, options, out _);

    /// <summary>Loads the tree and says how the load went (cache hit or miss, timings).</summary>
    /// <param name="root">Folder holding one subfolder per class.</param>
    /// <param name="options">Output size, strictness, cache and threads; null for <see cref="ReadOptions.Default"/> (48x48).</param>
    /// <param name="load">Cache use and elapsed time, for logging.</param>
    /// <returns>The images and any issues.</returns>
    /// <exception cref="DatasetException">The root is missing, has no class folders, or a class folder has no image; the message names the folder.</exception>
    /// <exception cref="ImageDecodeException">An image cannot be decoded (unless SkipBadImages); the message names the file.</exception>
    public static ImageFolderSet Load(string root, ReadOptions? options, out LoadReport load)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= ReadOptions.Default;
        options.Validate();
        var clock = Stopwatch.StartNew();
        root = Path.GetFullPath(root);
        string[] classes = [.. ClassNames(root)];
        var listingIssues = new List<DatasetIssue>();
        foreach (string stray in Directory.GetFiles(root).Order(StringComparer.Ordinal))
        {
            listingIssues.Add(new DatasetIssue(stray, 0, "not inside a class folder; ignored"));
        }

        var files = new List<(string FullPath, SourceFileEntry Source, int Label)>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classPath = Path.Combine(root, classes[label]);
            int before = files.Count;
            foreach (FileInfo file in new DirectoryInfo(classPath).EnumerateFiles("*", SearchOption.AllDirectories)
                         .OrderBy(f => f.FullName, StringComparer.Ordinal))
            {
                if (!GrayImageDecoder.FileExtensions.Contains(Path.GetExtension(file.Name), StringComparer.OrdinalIgnoreCase))
                {
                    listingIssues.Add(new DatasetIssue(file.FullName, 0, $"not an image by its extension (expected {string.Join(", ", GrayImageDecoder.FileExtensions)}); ignored"));
                    continue;
                }
                string relative = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                files.Add((file.FullName, new SourceFileEntry(relative, file.Length, file.LastWriteTimeUtc), label));
            }
            if (files.Count == before)
            {
                throw new DatasetException(
                    $"Class folder '{classPath}' holds no image; expected at least one {string.Join("/", GrayImageDecoder.FileExtensions)} file (remove the folder if the class is not wanted).");
            }
        }

        CachedDataset data = CachedLoad.Run(options, "image-folder", CacheKind, [.. files.Select(f => f.Source)],
            $"classes={string.Join('/', classes)}", 1, () =>
            {
                (LabeledImageSet set, List<DatasetIssue> issues, _) = ParallelGrayDecoder.DecodeSet(
                    files.Select(f => f.FullPath).ToArray(), files.Select(f => f.Label).ToArray(),
                    files.Select(f => f.Source.RelativePath).ToArray(), classes, options, alwaysResize: true);
                return new CachedDataset([set], issues);
            }, clock, out load);
        return new ImageFolderSet(data.Sets[0], [.. listingIssues, .. data.Issues]);
    }
}
