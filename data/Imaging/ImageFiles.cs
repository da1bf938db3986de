namespace NativeCnn.Data.Imaging;

/// <summary>Unlabelled images for prediction: files or folders of images, decoded to grayscale at the model's input size.</summary>
/// <param name="Pixels">[N, 1, H, W] floats in [0, 1], one slot per file in <paramref name="Files"/>.</param>
/// <param name="Files">The files that decoded, in order.</param>
/// <param name="Issues">Files that could not be decoded (or were not images), with the reason.</param>
public sealed record ImageFileSet(float[] Pixels, IReadOnlyList<string> Files, IReadOnlyList<DatasetIssue> Issues);

/// <summary>Loads images named on a command line (files, or folders whose image files are taken in name order).</summary>
public static class ImageFiles
{
    /// <summary>
    /// The image files named by <paramref name="paths"/>: a file as given (whatever its extension), a
    /// folder's files with an image extension (<see cref="GrayImageDecoder.FileExtensions"/>) in name order.
    /// </summary>
    /// <param name="paths">Files and folders.</param>
    /// <param name="missing">Receives each path that is neither a file nor a folder; null to throw instead.</param>
    /// <returns>The files, in order.</returns>
    /// <exception cref="DatasetException">A path does not exist and <paramref name="missing"/> is null.</exception>
    public static IReadOnlyList<string> List(IEnumerable<string> paths, ICollection<DatasetIssue>? missing = null)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => GrayImageDecoder.FileExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(path)) files.Add(path);
            else
            {
                string why = $"does not exist; expected an image file or a folder of images ({string.Join(", ", GrayImageDecoder.FileExtensions)})";
                if (missing is null) throw new DatasetException($"'{path}' {why}");
                missing.Add(new DatasetIssue(path, 0, why));
            }
        }
        return files;
    }

    /// <summary>
    /// Decodes every image under <paramref name="paths"/> to grayscale (<see cref="GrayImageDecoder"/>:
    /// JPEG, PNG, BMP, GIF, TIFF, WebP, recognised by content), resized to height x width
    /// (<see cref="Resize"/>) and scaled to [0, 1]. A folder contributes its files with an image
    /// extension (<see cref="GrayImageDecoder.FileExtensions"/>); a file named explicitly is
    /// decoded whatever its extension.
    /// </summary>
    /// <param name="paths">Image files and folders.</param>
    /// <param name="height">Model input height.</param>
    /// <param name="width">Model input width.</param>
    /// <param name="maxPixels">Largest image accepted (width*height); larger ones are reported, not decoded.</param>
    /// <returns>The decoded images and the files that failed.</returns>
    /// <exception cref="DatasetException">A path does not exist, or a file cannot be read at all.</exception>
    public static ImageFileSet LoadGray(IEnumerable<string> paths, int height, int width, long maxPixels = GrayImageDecoder.DefaultMaxPixels)
    {
        var files = List(paths);
        var options = new ReadOptions { Height = height, Width = width, MaxImagePixels = maxPixels, UseCache = false };
        options.Validate();
        int size = height * width;
        var gray = new byte[files.Count * size];
        string?[] failures = ParallelGrayDecoder.DecodeAll(files, gray, height, width, options, alwaysResize: true);
        var keep = Enumerable.Range(0, files.Count).Where(i => failures[i] is null).ToArray();
        var issues = Enumerable.Range(0, files.Count).Where(i => failures[i] is not null)
            .Select(i => new DatasetIssue(files[i], 0, failures[i]!)).ToList();
        var packed = new float[keep.Length * size];
        for (int k = 0; k < keep.Length; k++) UnitScale.ToUnitFloats(gray.AsSpan(keep[k] * size, size), packed.AsSpan(k * size, size));
        return new ImageFileSet(packed, keep.Select(i => files[i]).ToList(), issues);
    }
}
