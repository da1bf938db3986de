namespace NativeCnn.Data.Imaging;

/// <summary>Unlabelled images for prediction: files or folders of JPEG/PNG, decoded to grayscale at the model's input size.</summary>
/// <param name="Pixels">[N, 1, H, W] floats in [0, 1], one slot per file in <paramref name="Files"/>.</param>
/// <param name="Files">The files that decoded, in order.</param>
/// <param name="Issues">Files that could not be decoded (or were not images), with the reason.</param>
public sealed record ImageFileSet(float[] Pixels, IReadOnlyList<string> Files, IReadOnlyList<DatasetIssue> Issues);

/// <summary>Loads images named on a command line (files, or folders whose JPEG/PNG files are taken in name order).</summary>
public static class ImageFiles
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>Decodes every image under <paramref name="paths"/> to grayscale, resized to height x width (area averaging when shrinking).</summary>
    /// <exception cref="DatasetException">A path does not exist, or a file cannot be read at all.</exception>
    public static ImageFileSet LoadGray(IEnumerable<string> paths, int height, int width)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(path)) files.Add(path);
            else throw new DatasetException($"'{path}' does not exist; expected an image file or a folder of .jpg/.png images");
        }
        var pixels = new float[files.Count * height * width];
        var failures = ParallelGrayDecoder.DecodeAll(files, pixels, height, width, Environment.ProcessorCount);
        var keep = Enumerable.Range(0, files.Count).Where(i => failures[i] is null).ToArray();
        var issues = Enumerable.Range(0, files.Count).Where(i => failures[i] is not null)
            .Select(i => new DatasetIssue(files[i], 0, failures[i]!.Value.Message)).ToList();
        int size = height * width;
        var packed = new float[keep.Length * size];
        for (int k = 0; k < keep.Length; k++) pixels.AsSpan(keep[k] * size, size).CopyTo(packed.AsSpan(k * size, size));
        return new ImageFileSet(packed, keep.Select(i => files[i]).ToList(), issues);
    }
}
