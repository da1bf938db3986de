using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Data.Fer2013;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Trainer;

/// <summary>
/// Hostile but fair inputs to evaluate, predict and train get one clear line, and the good inputs around them still work
/// (issue 15, items 5, 9, 10 and 12).
/// </summary>
public class ClearMessagesTests : TinyRunTests
{
    private string Checkpoint(string architecture)
    {
        string path = Path.Combine(Root, Path.GetFileNameWithoutExtension(architecture) + ".safetensors");
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Load(architecture), device);
        NativeCnn.Engine.Serialization.Checkpoint.Save(path, model);
        return path;
    }

    // A JPEG whose frame header claims another size: the file is the same 1.6 KB, only two numbers change.
    private static byte[] JpegClaiming(string source, int height, int width)
    {
        byte[] bytes = File.ReadAllBytes(source);
        for (int i = 2; i + 9 < bytes.Length;)
        {
            int marker = bytes[i + 1], length = bytes[i + 2] << 8 | bytes[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                (bytes[i + 5], bytes[i + 6], bytes[i + 7], bytes[i + 8]) = ((byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width);
                return bytes;
            }
            i += 2 + length;
        }
        throw new InvalidOperationException("no frame header in " + source);
    }

    [Test]
    public void An_image_over_the_pixel_limit_is_reported_and_the_others_are_predicted()
    {
        string folder = Path.Combine(Root, "faces");
        Directory.CreateDirectory(folder);
        string[] good = Directory.GetFiles(Path.Combine(Data, "happy")).Take(3).ToArray();
        foreach (string f in good) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        string huge = Path.Combine(folder, "huge.jpg");
        File.WriteAllBytes(huge, JpegClaiming(good[0], 60000, 60000));
        string checkpoint = Checkpoint(Model);

        var result = Cli.Run("predict", "--checkpoint", checkpoint, folder, "--json");
        Assert.That(result.ExitCode, Is.EqualTo(1), "one file failed");
        Assert.That(result.Error, Does.Contain($"skipped {huge}: JPEG header claims 60000x60000 = 3,600,000,000 pixels, over the limit of 67,108,864 pixels")
            .And.Contain("--max-image-pixels"));
        Assert.That(result.Out.Trim().Split('\n').Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()),
            Is.EquivalentTo(good.Select(f => Path.Combine(folder, Path.GetFileName(f)))));

        var strict = Cli.Run("predict", "--checkpoint", checkpoint, good[0], "--max-image-pixels", "2000");
        Assert.That(strict.Error, Does.Contain("48x48 = 2,304 pixels, over the limit of 2,000 pixels"));
        Assert.That(Cli.Run("predict", "--checkpoint", checkpoint, good[0], "--top", "0").Error, Does.Contain("--top must be at least 1, got 0"));
    }

    [Test]
    public void A_fifo_named_like_an_image_is_skipped_and_never_blocks()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("no FIFOs on Windows");
        string folder = Path.Combine(Root, "faces");
        Directory.CreateDirectory(folder);
        string face = Directory.GetFiles(Path.Combine(Data, "sad"))[0];
        File.Copy(face, Path.Combine(folder, "a.jpg"));
        string fifo = Path.Combine(folder, "b.jpg");
        using (var mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        string checkpoint = Checkpoint(Model);

        var run = Task.Run(() => Cli.Run("predict", "--checkpoint", checkpoint, folder));
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, "predict returned (reading the FIFO would block for ever)");
        var (code, output, error) = run.Result;
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"skipped {fifo}: 0 bytes: an empty file, or not a regular file (a FIFO, socket or device, which is never opened)"));
        Assert.That(output, Does.StartWith(Path.Combine(folder, "a.jpg") + ": "));

        // In a data set too: the reader reports the file instead of waiting on it.
        File.Move(fifo, Path.Combine(Data, "sad", "zz.jpg"));
        var train = Task.Run(() => Cli.Run([.. TinyRun.Train(Root, Data, Model, 1, Path.Combine(Root, "run"))]));
        Assert.That(train.Wait(TimeSpan.FromSeconds(60)), Is.True, "train returned");
        Assert.That(train.Result.Error, Does.Contain("zz.jpg").And.Contain("not a regular file"));
    }

    [Test]
    public void A_cmyk_jpeg_is_predicted()
    {
        string cmyk = Path.Combine(RepositoryPaths.Root, "tests", "Data", "Fixtures", "pil-gray", "images", "cmyk.jpg");
        var result = Cli.Run("predict", "--checkpoint", Checkpoint(Model), cmyk);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Out, Does.StartWith(cmyk + ": "));
    }

    [Test]
    public void Evaluate_checks_the_checkpoint_classes_before_decoding_anything()
    {
        string other = Path.Combine(Root, "other.json");
        File.WriteAllText(other, TinyRun.Architecture.Replace("\"angry\", \"happy\", \"sad\"", "\"cat\", \"dog\", \"bird\""));
        string cache = Path.Combine(Root, "fresh-cache");
        var clock = Stopwatch.StartNew();
        var result = Cli.Run("evaluate", "--checkpoint", Checkpoint(other), "--data", RepositoryPaths.Fer2013, "--cache-dir", cache);
        CliAssert.OneLineError(result, "none of the data's classes (angry, disgust, fear, happy, sad, surprise, neutral) is one of the model's (cat, dog, bird)");
        Assert.That(Directory.Exists(cache), Is.False, "no image was decoded, so nothing was cached");
        TestContext.Out.WriteLine($"refused in {clock.Elapsed.TotalSeconds:0.00} s");
    }

    [Test]
    public void An_empty_validation_or_test_part_is_named_before_any_training()
    {
        string csv = Path.Combine(RepositoryPaths.SharedData, "fer2013-csv", "fer2013_head.csv");
        string checkpoint = Path.Combine(Root, "fer.safetensors");
        using (var device = new CpuDevice())
        using (var model = new Sequential((48, 48, 1), Fer2013Classes.Names).Add(new NativeCnn.Engine.Layers.MaxPooling2D(4))
                   .Add(new NativeCnn.Engine.Layers.Flatten()).Add(new NativeCnn.Engine.Layers.Dense(7)).Build(device))
            NativeCnn.Engine.Serialization.Checkpoint.Save(checkpoint, model);
        CliAssert.OneLineError(Cli.Run("evaluate", "--checkpoint", checkpoint, "--data", csv), $"{csv}: its private-test part has no images", "--split all");
        string run = Path.Combine(Root, "run");
        File.WriteAllText(Path.Combine(Root, "fer.json"), JsonSerializer.Serialize(new
        {
            name = "fer", input_shape = new[] { 48, 48, 1 }, classes = Fer2013Classes.Names,
            layers = new object[] { new { type = "MaxPooling2D", pool_size = 4 }, new { type = "Flatten" }, new { type = "Dense", units = 7 } },
        }));
        var train = Cli.Run("train", "--model", Path.Combine(Root, "fer.json"), "--data", csv, "--out", run);
        CliAssert.OneLineError(train, $"{csv}: its public-test part has no images");
        Assert.That(train.Out, Does.Not.Contain("epoch 1/"), "refused before the first epoch");
    }

    [Test]
    public void Quoted_csv_fields_are_read_like_plain_ones()
    {
        string[] lines = File.ReadLines(Path.Combine(RepositoryPaths.SharedData, "fer2013-csv", "fer2013_head.csv")).Take(9).ToArray();
        string plain = Path.Combine(Root, "plain.csv"), quoted = Path.Combine(Root, "quoted.csv");
        File.WriteAllLines(plain, lines);
        File.WriteAllLines(quoted, ["\"emotion\",\"pixels\",\"Usage\"", .. lines[1..].Select(l => string.Join(",", l.Split(',').Select(f => $"\"{f}\"")))]);
        var a = Fer2013CsvReader.Load(plain, strict: true);
        var b = Fer2013CsvReader.Load(quoted, strict: true);
        Assert.That(b.Train.Count, Is.EqualTo(8));
        Assert.That(b.Train.Pixels, Is.EqualTo(a.Train.Pixels));
        Assert.That(b.Train.Labels, Is.EqualTo(a.Train.Labels));
    }

    [Test]
    public void A_cache_that_cannot_be_written_is_mentioned()
    {
        string blocked = Path.Combine(Root, "blocked");
        File.WriteAllText(blocked, "a file where the cache folder's parent should be");
        string run = Path.Combine(Root, "run");
        var train = Cli.Run(["train", "--model", Model, "--data", Data, "--epochs", "1", "--cache-dir", Path.Combine(blocked, "cache"), "--out", run]);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
        Assert.That(train.Out, Does.Contain("not cached, so the next run decodes again: cannot write cache in").And.Contain(blocked));
    }

    [Test]
    public void Duplicate_class_names_and_a_wrong_size_fer_image_say_what_is_wrong()
    {
        string duplicate = Path.Combine(Root, "dup.json");
        File.WriteAllText(duplicate, TinyRun.Architecture.Replace("\"angry\", \"happy\", \"sad\"", "\"happy\", \"sad\", \"happy\""));
        CliAssert.OneLineError(Cli.Run("train", "--model", duplicate, "--data", Data, "--out", Path.Combine(Root, "r1")),
            $"{duplicate}: 'classes' names 'happy' 2 times; each class needs one name of its own");

        // A FER-2013 tree with one 64x64 face among the 48x48 ones, for a model of FER-2013's size.
        string fer = Path.Combine(Root, "fer");
        foreach (var (split, usage) in new[] { ("train", "Training"), ("test", "PublicTest"), ("test", "PrivateTest") })
            foreach (string emotion in Fer2013Classes.Names)
            {
                Directory.CreateDirectory(Path.Combine(fer, split, emotion));
                string source = Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, split, emotion), usage + "_*").Order().First();
                File.Copy(source, Path.Combine(fer, split, emotion, Path.GetFileName(source)));
            }
        // PNG data under a .jpg name: the decoder reads the format from the content.
        using (var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(64, 64))
            SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, Path.Combine(fer, "train", "happy", "Training_99999999.jpg"));
        CliAssert.OneLineError(Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--data", fer, "--cache-dir", Path.Combine(Root, "c"),
            "--out", Path.Combine(Root, "r2")), "Training_99999999.jpg' is 64x64, but every image of this data set is 48x48");
    }

    [Test]
    public void Summary_prints_a_model_too_large_to_train_and_train_refuses_it_before_reading_data()
    {
        string wide = Path.Combine(Root, "wide.json");
        File.WriteAllText(wide, TinyRun.Architecture.Replace("""{ "type": "Dense", "units": 3, "activation": "softmax" }""",
            """{ "type": "Dense", "units": 3000000 }, { "type": "Dense", "units": 3, "activation": "softmax" }"""));
        var clock = Stopwatch.StartNew();
        var summary = Cli.Run("summary", "--model", wide, "--json");
        Assert.That(summary.ExitCode, Is.EqualTo(0), summary.Error);
        using (var json = JsonDocument.Parse(summary.Out))
            Assert.That(json.RootElement.GetProperty("total").GetInt64(), Is.EqualTo(40 + 256L * 3_000_000 + 3_000_000 + 3_000_000 * 3 + 3));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "no weight of the 780 million was allocated or initialised");

        string run = Path.Combine(Root, "run");
        CliAssert.OneLineError(Cli.Run(TinyRun.Train(Root, Data, wide, 1, run)), "needs about", "over the memory budget of 8 GB",
            "largest layer is dense_1 (Dense", "NATIVECNN_MEMORY_LIMIT");
        Assert.That(Directory.Exists(run), Is.False, "refused before the run folder or the data");

        string? saved = Environment.GetEnvironmentVariable("NATIVECNN_MEMORY_LIMIT");
        try
        {
            Environment.SetEnvironmentVariable("NATIVECNN_MEMORY_LIMIT", "lots");
            CliAssert.OneLineError(Cli.Run(TinyRun.Train(Root, Data, Model, 1, run)), "NATIVECNN_MEMORY_LIMIT is 'lots'; expected a size such as 16G");
            Environment.SetEnvironmentVariable("NATIVECNN_MEMORY_LIMIT", "64K");
            CliAssert.OneLineError(Cli.Run(TinyRun.Train(Root, Data, Model, 1, run)), "over the memory budget of 64 KB");
        }
        finally
        {
            Environment.SetEnvironmentVariable("NATIVECNN_MEMORY_LIMIT", saved);
        }
    }
}
