using System.Text.Json;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Trainer;

/// <summary>The nativecnn commands as a user runs them: output, exit codes, and clear errors without stack traces.</summary>
public class CommandLineTests
{
    private string _temp = "";

    [SetUp]
    public void CreateTemp() => Directory.CreateDirectory(_temp = Path.Combine(Path.GetTempPath(), "nativecnn-cli-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteTemp() => Directory.Delete(_temp, recursive: true);

    [TestCase("seed001-deep", 4_478_727L)]
    [TestCase("seed002", 5_905_863L)]
    [TestCase("seed004", 1_328_199L)]
    public void Summary_json_totals_match_the_seeds(string model, long total)
    {
        var (code, output, _) = Cli.Run("summary", "--model", RepositoryPaths.Model(model), "--json");
        Assert.That(code, Is.EqualTo(0));
        using var json = JsonDocument.Parse(output);
        long t = json.RootElement.GetProperty("total").GetInt64();
        long trainable = json.RootElement.GetProperty("trainable").GetInt64();
        long nonTrainable = json.RootElement.GetProperty("non_trainable").GetInt64();
        Assert.That(t, Is.EqualTo(total));
        Assert.That(trainable + nonTrainable, Is.EqualTo(total));
    }

    [Test]
    public void Summary_prints_a_keras_table()
    {
        var (code, output, _) = Cli.Run("summary", "--model", RepositoryPaths.Model("seed002"));
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("conv2d_1 (Conv2D, relu)").And.Contain("(None, 46, 46, 64)").And.Contain("Total params: 5,905,863")
            .And.Contain("Non-trainable params: 3,712"));
    }

    [Test]
    public void Gradcheck_passes_for_every_layer()
    {
        var (code, output, _) = Cli.Run("gradcheck");
        Assert.That(code, Is.EqualTo(0), output);
        // Exit code 0 means every check passed (2 would mean a mismatch); the table lists each case.
        Assert.That(output, Does.Contain("Conv2D 3x3 same").And.Contain("pass").And.Not.Contain("FAIL"));
    }

    [Test]
    public void Missing_data_folder_is_a_clear_error()
    {
        string missing = Path.Combine(_temp, "no-such-folder");
        CliAssert.OneLineError(Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--data", missing, "--epochs", "1",
            "--out", Path.Combine(_temp, "run")), missing);
    }

    [Test]
    public void Unknown_model_lists_the_available_ones()
    {
        CliAssert.OneLineError(Cli.Run("summary", "--model", "seed999"), "seed999", "seed001-shallow");
    }

    [Test]
    public void Broken_architecture_file_names_the_file_and_field()
    {
        string file = Path.Combine(_temp, "broken.json");
        File.WriteAllText(file, """{"input_shape": [48, 48, 1], "classes": ["a", "b"], "layers": [{"type": "Conv2D", "filters": "many", "kernel_size": 3}]}""");
        CliAssert.OneLineError(Cli.Run("summary", "--model", file), file, "'filters' must be an integer");
    }

    [Test]
    public void Unreadable_checkpoint_is_a_clear_error()
    {
        string file = Path.Combine(_temp, "model.safetensors");
        File.WriteAllBytes(file, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        CliAssert.OneLineError(Cli.Run("evaluate", "--checkpoint", file, "--data", RepositoryPaths.Fer2013), file);
    }

    [Test]
    public void Missing_checkpoint_is_a_clear_error()
    {
        string file = Path.Combine(_temp, "absent.safetensors");
        CliAssert.OneLineError(Cli.Run("evaluate", "--checkpoint", file, "--data", RepositoryPaths.Fer2013), file);
    }

    [Test]
    public void Corrupt_jpeg_in_the_data_is_a_clear_error_naming_the_file()
    {
        // A minimal FER-2013 tree: one real image per class and split, plus one corrupt file.
        foreach (var split in new[] { "train", "test" })
            foreach (var emotion in NativeCnn.Data.Fer2013.Fer2013Classes.Names)
            {
                string dir = Path.Combine(_temp, "fer", split, emotion);
                Directory.CreateDirectory(dir);
                string source = Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, split, emotion)).Order().First();
                File.Copy(source, Path.Combine(dir, Path.GetFileName(source)));
            }
        string corrupt = Path.Combine(_temp, "fer", "train", "happy", "Training_99999999.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]);
        CliAssert.OneLineError(Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--data", Path.Combine(_temp, "fer"),
            "--epochs", "1", "--out", Path.Combine(_temp, "run")), "Training_99999999.jpg");
    }

    [Test]
    public void Predict_ranks_classes_for_real_images_and_reports_undecodable_files()
    {
        string checkpoint = FreshCheckpoint();
        string happy = Path.Combine(RepositoryPaths.Fer2013, "test", "happy");
        // WebP data under a .jpg name: decoded by its content.
        string webp = Path.Combine(RepositoryPaths.SharedData, "muxspace", "images", "facial-expressions_2868588k.jpg");
        string broken = Path.Combine(_temp, "broken.png");
        File.WriteAllText(broken, "not an image");

        var (code, output, error) = Cli.Run("predict", "--checkpoint", checkpoint, "--json", "--top", "3", happy, webp, broken);
        Assert.That(code, Is.EqualTo(1), "one file could not be decoded");
        Assert.That(error, Does.Contain("broken.png").And.Contain("not a JPEG, PNG, BMP, GIF, TIFF or WebP file"));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(Directory.GetFiles(happy).Length + 1));
        Assert.That(lines[^1], Does.Contain("facial-expressions_2868588k.jpg"));
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var p = json.RootElement.GetProperty("predictions").EnumerateArray().Select(e => e.GetProperty("probability").GetDouble()).ToArray();
            Assert.That(p, Has.Length.EqualTo(3));
            Assert.That(p, Is.Ordered.Descending);
            Assert.That(p.Sum(), Is.LessThanOrEqualTo(1.0001).And.GreaterThan(3.0 / 7 - 1e-6), "top 3 of 7 probabilities");
        }
    }

    private string FreshCheckpoint(string model = "seed001-shallow")
    {
        string checkpoint = Path.Combine(_temp, "model.safetensors");
        using var device = new NativeCnn.Engine.Devices.Cpu.CpuDevice();
        using var built = NativeCnn.Engine.Models.Sequential.Build(NativeCnn.Engine.Models.ArchitectureSpec.Load(RepositoryPaths.Model(model)), device);
        NativeCnn.Engine.Serialization.Checkpoint.Save(checkpoint, built);
        return checkpoint;
    }

    [Test]
    public void Export_writes_an_onnx_file_that_onnx_runtime_opens()
    {
        string onnx = Path.Combine(_temp, "model.onnx");
        var (code, output, error) = Cli.Run("export", "--checkpoint", FreshCheckpoint(), "--format", "onnx", "--out", onnx);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("opset 13").And.Contain("[N, 1, 48, 48]").And.Contain("angry, disgust"));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.That(session.OutputMetadata["probabilities"].Dimensions, Is.EqualTo(new[] { -1, 7 }));
        CliAssert.OneLineError(Cli.Run("export", "--checkpoint", Path.Combine(_temp, "absent.safetensors"), "--out", onnx), "absent.safetensors");
    }

    [Test]
    public void Evaluate_split_all_scores_every_image_of_a_folder_without_a_split()
    {
        // Someone else's folder per class: two of the model's classes, and one it does not know.
        string data = Path.Combine(_temp, "faces");
        foreach (var (folder, source, count) in new[] { ("angry", "angry", 5), ("happy", "happy", 7), ("contempt", "neutral", 2) })
        {
            Directory.CreateDirectory(Path.Combine(data, folder));
            foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, "test", source)).Order().Take(count))
                File.Copy(file, Path.Combine(data, folder, Path.GetFileName(file)));
        }
        string checkpoint = FreshCheckpoint();
        var (code, output, error) = Cli.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--split", "all", "--json");
        Assert.That(code, Is.EqualTo(0), error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.That(root.GetProperty("count").GetInt64(), Is.EqualTo(12), "every angry and happy image; contempt is not a class of the model");
        var support = root.GetProperty("per_class").EnumerateArray().ToDictionary(c => c.GetProperty("class").GetString()!, c => c.GetProperty("support").GetInt64());
        Assert.That(support["angry"], Is.EqualTo(5));
        Assert.That(support["happy"], Is.EqualTo(7));
        Assert.That(support["sad"], Is.EqualTo(0));
        Assert.That(root.GetProperty("split").GetString(), Is.EqualTo("all"));

        var printed = Cli.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--split", "all");
        Assert.That(printed.Out, Does.Contain("leaving out the data's classes the model does not know: contempt").And.Contain("12 images"));
    }

    [Test]
    public void Train_exposes_the_callbacks_settings()
    {
        string run = Path.Combine(_temp, "run"), csv = Path.Combine(_temp, "metrics.csv");
        var (code, output, error) = Cli.Run("train", "--model", RepositoryPaths.Model("seed004"), "--data", RepositoryPaths.Fer2013,
            "--epochs", "2", "--samples-per-class", "2", "--batch-size", "4", "--checkpoint-monitor", "val_loss", "--save-best-only", "false",
            "--lr-schedule", "plateau", "--plateau-patience", "1", "--plateau-factor", "0.25", "--csv-log", csv, "--out", run);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("plateau on val_loss (Auto) x0.25 after 1").And.Contain("model.safetensors after every epoch"));
        Assert.That(output.Split('\n').Count(l => l.Contains("* saved")), Is.EqualTo(2), "saved after every epoch");
        using (var device = new NativeCnn.Engine.Devices.Cpu.CpuDevice())
        using (var model = NativeCnn.Engine.Serialization.Checkpoint.Load(Path.Combine(run, "model.safetensors"), device))
        using (var state = JsonDocument.Parse(model.TrainingState))
            Assert.That(state.RootElement.GetProperty("epoch").GetInt32(), Is.EqualTo(2), "the last epoch, not the best");
        string[] rows = File.ReadAllLines(csv);
        Assert.That(rows[0], Does.StartWith("epoch,loss,accuracy,val_loss,val_accuracy"));
        Assert.That(rows, Has.Length.EqualTo(3));
        CliAssert.OneLineError(Cli.Run("train", "--model", RepositoryPaths.Model("seed004"), "--lr-schedule", "plateau", "--plateau-factor", "2",
            "--out", Path.Combine(_temp, "bad")), "factor must be in (0, 1), got 2");
    }

    [TestCase("-1", "got -1")]
    [TestCase("-0.0001", "got -0.0001")]
    [TestCase("nan", "got NaN")]
    public void A_bad_l2_factor_is_a_clear_error(string value, string got)
    {
        CliAssert.OneLineError(Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--l2", value, "--epochs", "1",
            "--out", Path.Combine(_temp, "run")), "--l2 must be a finite number >= 0", got);
        Assert.That(Directory.Exists(Path.Combine(_temp, "run")), Is.False, "rejected before anything is written");
    }

    [Test]
    public void An_unknown_class_weight_mode_is_a_clear_error()
    {
        var (code, _, error) = Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--class-weight", "foo");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("'foo'").And.Contain("'balanced'").And.Contain("'none'"));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void A_bad_kernel_regularizer_names_the_file_and_layer()
    {
        string file = Path.Combine(_temp, "l1.json");
        File.WriteAllText(file, """{"input_shape": [8, 8, 1], "classes": ["a", "b"], "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 2, "kernel_regularizer": {"l1": 0.01}}]}""");
        CliAssert.OneLineError(Cli.Run("summary", "--model", file), file, "layers[1] (Dense)", "'kernel_regularizer' has unknown key(s) 'l1'");
    }

    [Test]
    public void Bad_option_values_are_rejected()
    {
        var (code, _, error) = Cli.Run("train", "--model", "seed001-shallow", "--optimizer", "rmsprop");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("rmsprop"));
    }
}
