using System.Text;
using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NativeCnn.Data.Imaging;
using NativeCnn.Data.Muxspace;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeCnn.Bench.Fuzzing;

/// <summary>The file formats the fuzzer feeds to the project's readers.</summary>
public enum FuzzFormat
{
    /// <summary>JPEG images through <see cref="GrayImageDecoder"/> and <see cref="Resize"/>.</summary>
    Jpeg,
    /// <summary>PNG images, the same path.</summary>
    Png,
    /// <summary>WebP images, the same path.</summary>
    Webp,
    /// <summary>fer2013.csv through <see cref="Fer2013CsvReader"/>.</summary>
    Csv,
    /// <summary>muxspace's legend.csv through its parser.</summary>
    Legend,
    /// <summary>Checkpoints through <see cref="Checkpoint.Load"/>, <see cref="Checkpoint.RestoreOptimizer"/> and the training state a resume reads.</summary>
    Safetensors,
    /// <summary>Architecture files through <see cref="ArchitectureSpec.Parse"/>, <see cref="ModelFootprint"/> and <see cref="Sequential.Build(ArchitectureSpec, NativeCnn.Engine.Devices.Device, DType, ulong)"/>.</summary>
    Architecture,
}

/// <summary>
/// One format's fuzzing target: real seed files, the reader each mutated file goes through (exactly the code the trainer
/// runs), which exceptions are that reader's documented errors, and the format's header edits.
/// </summary>
/// <param name="Format">The format.</param>
/// <param name="Extension">File extension of the inputs written to disk (readers that take a path read them from there).</param>
/// <param name="Seeds">Real files: from ../shared/data, the repository's fixtures and architectures, or (checkpoints) written by the engine.</param>
/// <param name="HeaderEdits">Format-aware mutations.</param>
/// <param name="Read">Runs the reader on a file holding the input: returns normally (accepted) or throws.</param>
/// <param name="IsDocumented">True for the exceptions the reader documents for bad input.</param>
public sealed record FuzzTarget(FuzzFormat Format, string Extension, IReadOnlyList<byte[]> Seeds, IReadOnlyList<Mutator.HeaderEdit> HeaderEdits,
    Action<string> Read, Func<Exception, bool> IsDocumented)
{
    private static readonly GrayImageDecoder Decoder = new();
    private static readonly CpuDevice Cpu = new();

    /// <summary>The target of <paramref name="format"/>.</summary>
    /// <param name="format">The format.</param>
    /// <param name="sharedData">The shared data folder (../shared/data from the repository root).</param>
    /// <param name="repository">The repository root (architectures and image fixtures).</param>
    public static FuzzTarget For(FuzzFormat format, string sharedData, string repository) => format switch
    {
        FuzzFormat.Jpeg => Image(format, ".jpg", JpegSeeds(sharedData, repository), Mutator.Jpeg),
        FuzzFormat.Png => Image(format, ".png", PngSeeds(sharedData, repository), Mutator.Png),
        FuzzFormat.Webp => Image(format, ".webp", WebpSeeds(sharedData, repository), Mutator.Webp),
        FuzzFormat.Csv => new(format, ".csv", [Head(Path.Combine(sharedData, "fer2013-csv", "fer2013_head.csv"), 8)], Mutator.Text, ReadCsv,
            e => e is DatasetException),
        FuzzFormat.Legend => new(format, ".csv", [Head(Path.Combine(sharedData, "muxspace", "legend.csv"), 120)], Mutator.Text, ReadLegend,
            e => e is DatasetException),
        FuzzFormat.Safetensors => new(format, ".safetensors", CheckpointSeeds(), [.. Mutator.SafeTensors, .. Mutator.Text], ReadCheckpoint,
            e => e is CheckpointFormatException or ModelFormatException),
        FuzzFormat.Architecture => new(format, ".json", [.. Directory.GetFiles(Path.Combine(repository, "models"), "*.json").Order().Select(File.ReadAllBytes)],
            Mutator.Text, ReadArchitecture, e => e is ModelFormatException),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    // Decoded as every reader decodes (content sniffing, pixel limit, completeness check, gray conversion), then resized to 48x48.
    private static FuzzTarget Image(FuzzFormat format, string extension, IReadOnlyList<byte[]> seeds, IReadOnlyList<Mutator.HeaderEdit> edits) =>
        new(format, extension, seeds, edits, path =>
        {
            var image = Decoder.DecodeFile(path);
            Resize.Gray(image.Pixels, image.Height, image.Width, new byte[48 * 48], 48, 48);
        }, e => e is ImageDecodeException);

    private static void ReadCsv(string path)
    {
        var splits = Fer2013CsvReader.Load(path, strict: false);
        foreach (var issue in splits.Issues) RequireOneLine(issue.Message, path);
    }

    private static void ReadLegend(string path)
    {
        var legend = MuxspaceLegend.Parse(path, File.ReadAllBytes(path));
        foreach (var (_, issue) in legend.Issues) RequireOneLine(issue.Message, path);
    }

    // What evaluate, predict and export do with a model file, and what a resume reads from last.safetensors.
    private static void ReadCheckpoint(string path)
    {
        using var loaded = Checkpoint.Load(path, Cpu);
        if (loaded.Content.Metadata.ContainsKey("optimizer"))
        {
            using var adam = new Adam();
            Checkpoint.RestoreOptimizer(path, loaded.Content, loaded.Model, adam);
        }
        if (loaded.Content.Metadata.ContainsKey("training"))
        {
            var state = MetadataJson.Parse(path, loaded.Content, "training");
            if (state.Has("run"))
            {
                _ = state.String("run");
                _ = state.Integer("epoch", min: 1, max: 10_000);
                _ = state.Number("learning_rate");
                _ = state.Object("callbacks");
            }
        }
    }

    private static void ReadArchitecture(string path)
    {
        var spec = ArchitectureSpec.Parse(File.ReadAllText(path), path);
        using var model = Sequential.Create(spec);
        var footprint = ModelFootprint.Of(model);
        if (footprint.IsComplete)
        {
            footprint.CheckTraining(64, 2, MemoryBudget.Bytes);
            footprint.CheckInference(256, MemoryBudget.Bytes);
        }
        model.Build(Cpu);
    }

    /// <summary>A reader that reports a multi-line message has no clear error: fail as an unclear one would.</summary>
    private static void RequireOneLine(string message, string path)
    {
        if (message.Contains('\n') || message.Contains('\r'))
            throw new UnclearMessageException($"{path}: an issue's message spans lines: {message}");
    }

    /// <summary>A message a reader produced that is not one clear line.</summary>
    public sealed class UnclearMessageException(string message) : Exception(message);

    // ---- seeds ----

    private static byte[] Head(string path, int lines) => Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(path).Take(lines)) + "\n");

    private static IEnumerable<string> FerJpegs(string sharedData) =>
        Directory.GetFiles(Path.Combine(sharedData, "fer2013", "test"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 400 == 0);

    private static string Fixture(string repository, string name) => Path.Combine(repository, "tests", "Data", "Fixtures", "pil-gray", "images", name);

    private static List<byte[]> JpegSeeds(string sharedData, string repository)
    {
        var seeds = FerJpegs(sharedData).Select(File.ReadAllBytes).ToList();
        // Colour faces of several sizes from muxspace, and the fixtures' CMYK and progressive JPEGs.
        seeds.AddRange(Directory.GetFiles(Path.Combine(sharedData, "muxspace", "images"), "*.jpg").Order(StringComparer.Ordinal)
            .Where((_, i) => i % 500 == 0).Select(File.ReadAllBytes).Where(b => b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8 && b.Length < 64 * 1024));
        seeds.Add(File.ReadAllBytes(Fixture(repository, "cmyk.jpg")));
        seeds.Add(File.ReadAllBytes(Fixture(repository, "progressive.jpg")));
        return seeds;
    }

    private static List<byte[]> PngSeeds(string sharedData, string repository)
    {
        // The fixtures' PNGs (gray, 16-bit, gray+alpha, palette, RGB, RGBA), and real faces written as PNG.
        var seeds = new[] { "gray8.png", "gray16.png", "la.png", "palette.png", "palette-transparent.png", "rgb.png", "rgba.png" }
            .Select(n => File.ReadAllBytes(Fixture(repository, n))).ToList();
        foreach (string face in FerJpegs(sharedData).Take(4))
        {
            using var image = SixLabors.ImageSharp.Image.Load<L8>(face);
            using var buffer = new MemoryStream();
            image.SaveAsPng(buffer, new PngEncoder { ColorType = PngColorType.Grayscale });
            seeds.Add(buffer.ToArray());
        }
        return seeds;
    }

    private static List<byte[]> WebpSeeds(string sharedData, string repository)
    {
        // muxspace's one WebP (named .jpg), the fixture's lossless WebP, and real faces written as lossy and lossless WebP.
        var seeds = new List<byte[]> { File.ReadAllBytes(Path.Combine(sharedData, "muxspace", "images", "facial-expressions_2868588k.jpg")),
            File.ReadAllBytes(Fixture(repository, "lossless.webp")) };
        foreach (var (face, lossless) in FerJpegs(sharedData).Take(4).Select((f, i) => (f, i % 2 == 0)))
        {
            using var image = SixLabors.ImageSharp.Image.Load<Rgb24>(face);
            using var buffer = new MemoryStream();
            image.SaveAsWebp(buffer, new WebpEncoder { FileFormat = lossless ? WebpFileFormatType.Lossless : WebpFileFormatType.Lossy });
            seeds.Add(buffer.ToArray());
        }
        return seeds;
    }

    // Checkpoints as the trainer writes them: a model file (weights and statistics) and a last.safetensors (plus Adam's moments
    // and a resume's training state) of a small CNN trained a few steps, so no value is a fresh initialisation.
    private static List<byte[]> CheckpointSeeds()
    {
        var spec = ArchitectureSpec.Parse("""
            { "name": "fuzz", "input_shape": [12, 12, 1], "classes": ["a", "b", "c"],
              "layers": [ { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same" }, { "type": "BatchNormalization" },
                          { "type": "Activation", "activation": "relu" }, { "type": "MaxPooling2D" }, { "type": "Dropout", "rate": 0.2 },
                          { "type": "Flatten" }, { "type": "Dense", "units": 3, "activation": "softmax" } ] }
            """, "fuzz");
        using var model = Sequential.Build(spec, Cpu, seed: 3);
        using var adam = new Adam();
        using var x = Cpu.Allocate(DType.Float32, 4, 1, 12, 12);
        Cpu.Upload<float>(x, Enumerable.Range(0, 4 * 144).Select(i => (float)((i * 37 % 101) / 101.0)).ToArray());
        using var y = Cpu.Allocate(DType.Int32, 4);
        Cpu.Upload<int>(y, new[] { 0, 1, 2, 1 });
        using var loss = new SoftmaxCrossEntropyLoss();
        for (int step = 0; step < 3; step++)
        {
            loss.Compute(model.ForwardLogits(x, new ForwardContext(true, 1, (ulong)step)), y, true);
            model.Backward(loss.Gradient);
            adam.Step(model.Parameters);
        }
        string folder = Directory.CreateTempSubdirectory("nativecnn-fuzz-seeds-").FullName;
        try
        {
            string modelFile = Path.Combine(folder, "model.safetensors"), last = Path.Combine(folder, "last.safetensors");
            Checkpoint.Save(modelFile, model, trainingState: """{"epoch":3,"metrics":{"loss":1.05,"val_accuracy":0.5}}""");
            Checkpoint.Save(last, model, adam, """{"run":"fuzz","epoch":3,"learning_rate":0.001,"callbacks":{"ModelCheckpoint":{"best":0.5,"saved_epoch":3}}}""");
            return [File.ReadAllBytes(modelFile), File.ReadAllBytes(last)];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
