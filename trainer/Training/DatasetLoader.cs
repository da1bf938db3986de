using NativeCnn.Data;
using NativeCnn.Data.Fer2013;

namespace NativeCnn.Trainer.Training;

/// <summary>Loads FER-2013 from a Kaggle-style image folder or from the original fer2013.csv.</summary>
public static class DatasetLoader
{
    /// <summary>Reads <paramref name="path"/> (folder or .csv) at the model's input size, reporting what happened through <paramref name="log"/>.</summary>
    /// <exception cref="DatasetException">The data is missing or malformed (the message names the file).</exception>
    /// <exception cref="CliException">The model's input is not single-channel (FER-2013 is grayscale).</exception>
    public static Fer2013Splits Load(string path, int[] inputShapeHwc, Action<string> log)
    {
        if (inputShapeHwc[2] != 1)
            throw new CliException($"the model expects {inputShapeHwc[2]} channels, FER-2013 is grayscale (1 channel)");
        var options = new ReadOptions
        {
            Height = inputShapeHwc[0],
            Width = inputShapeHwc[1],
            AllowResize = inputShapeHwc[0] != Fer2013Classes.ImageSize || inputShapeHwc[1] != Fer2013Classes.ImageSize,
        };
        Fer2013Splits splits;
        if (File.Exists(path) && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var started = DateTime.UtcNow;
            splits = Fer2013CsvReader.Load(path, strict: false, options);
            log($"read {path} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        }
        else
        {
            splits = Fer2013FolderReader.Load(path, options, out var report);
            log(report.FromCache
                ? $"loaded {report.SourceFiles:N0} images from the cache {report.CacheFile} in {report.Elapsed.TotalSeconds:0.0} s"
                : $"decoded {report.SourceFiles:N0} images from {path} in {report.Elapsed.TotalSeconds:0.0} s"
                  + (report.CacheFile != null ? $" (cached to {report.CacheFile})" : "")
                  + (report.CacheRejectReason != null ? $"; old cache rejected: {report.CacheRejectReason}" : ""));
        }
        foreach (var issue in splits.Issues)
            log($"skipped: {issue.File}{(issue.Line > 0 ? ":" + issue.Line : "")}: {issue.Message}");
        log($"train {splits.Train.Count:N0}, public test {splits.PublicTest.Count:N0}, private test {splits.PrivateTest.Count:N0} images");
        return splits;
    }

    /// <summary>Selects a split by its command-line name.</summary>
    /// <exception cref="CliException">Unknown name.</exception>
    public static LabeledImageSet Split(Fer2013Splits splits, string name) => name switch
    {
        "train" => splits.Train,
        "public-test" => splits.PublicTest,
        "private-test" => splits.PrivateTest,
        _ => throw new CliException($"unknown split '{name}'; expected train, public-test or private-test"),
    };
}
