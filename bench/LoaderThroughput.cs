using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Data;
using NativeCnn.Data.Augmentation;
using NativeCnn.Data.Batching;
using NativeCnn.Data.Fer2013;

namespace NativeCnn.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- loader-throughput [--data ../shared/data/fer2013] [--batch 256] [--epochs 2]
/// [--limit N] [--json]</c>: images per second of the training input pipeline alone, with no model: the FER-2013 training
/// images (decoded once into the dataset cache; the first run decodes), shuffled into batches by the background
/// prefetcher exactly as the trainer's loop takes them, without augmentation and with the Keras-style augmentation
/// the seeds use (rotation 10°, shifts 0.1, zoom 0.1, horizontal flip). A device that trains faster than this number
/// would wait for its input.
/// </summary>
public static class LoaderThroughput
{
    /// <summary>One configuration's rate.</summary>
    /// <param name="Augmentation">"none" or the augmentation's settings.</param>
    /// <param name="Batch">Images per batch.</param>
    /// <param name="Images">Images delivered.</param>
    /// <param name="Seconds">Wall time.</param>
    /// <param name="ImagesPerSecond">Images / seconds.</param>
    /// <param name="Threads">Processor count of the machine (the prefetcher's thread and the augmentation share it).</param>
    public sealed record Result(string Augmentation, int Batch, long Images, double Seconds, double ImagesPerSecond, int Threads);

    /// <summary>The augmentation the measurement uses: what the Keras seeds configure in ImageDataGenerator.</summary>
    public static readonly AugmentationOptions SeedAugmentation = new()
    {
        RotationRange = 10, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.1, HorizontalFlip = true,
    };

    /// <summary>Runs the measurement and prints a table, or JSON lines with --json.</summary>
    public static void Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        string path = Arg("--data", DefaultData());
        int batch = int.Parse(Arg("--batch", "256")), epochs = int.Parse(Arg("--epochs", "2")), limit = int.Parse(Arg("--limit", "0"));
        bool json = args.Contains("--json");
        var clock = Stopwatch.StartNew();
        var train = Fer2013FolderReader.Load(path, new ReadOptions()).Train;
        if (limit > 0 && limit < train.Count) train = train.Subset(Enumerable.Range(0, limit).ToArray());
        if (!json) Console.WriteLine($"{train.Count:N0} training images of {path} read in {clock.Elapsed.TotalSeconds:F1} s (dataset cache); batch {batch}, {epochs} epochs each");
        foreach (var augmentation in new AugmentationOptions?[] { null, SeedAugmentation })
        {
            var r = Measure(train, batch, epochs, augmentation);
            Console.WriteLine(json ? JsonSerializer.Serialize(r, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })
                : $"{r.Augmentation,-60} {r.ImagesPerSecond,12:N0} images/s ({r.Images:N0} in {r.Seconds:F2} s, {r.Threads} threads)");
        }
    }

    /// <summary>Takes every batch of <paramref name="epochs"/> epochs from the prefetcher and touches each, as a training
    /// loop would before uploading it.</summary>
    public static Result Measure(LabeledImageSet train, int batch, int epochs, AugmentationOptions? augmentation)
    {
        var sampler = new BatchSampler(train.Count, batch, seed: 1);
        var augmenter = augmentation == null ? null : new ImageAugmenter(augmentation, 1);
        long images = 0;
        double checksum = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using var prefetcher = new Prefetcher(train, sampler, epoch, transform: augmenter?.ForEpoch(epoch, train.Channels, train.Height, train.Width));
            foreach (var b in prefetcher)
            {
                checksum += b.Pixels[0] + b.Labels[0];
                images += b.Count;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(checksum);
        string name = augmentation == null ? "none"
            : $"rotation {augmentation.RotationRange}, shift {augmentation.WidthShiftRange}/{augmentation.HeightShiftRange}, zoom {augmentation.ZoomRange}, flip {augmentation.HorizontalFlip}";
        return new Result(name, batch, images, seconds, images / seconds, Environment.ProcessorCount);
    }

    /// <summary>../shared/data/fer2013 above the current directory or the executable, as the repository lays it out.</summary>
    private static string DefaultData()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data", "fer2013");
                if (Directory.Exists(candidate)) return candidate;
            }
        return Path.Combine("..", "shared", "data", "fer2013");
    }
}
