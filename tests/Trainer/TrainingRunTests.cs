using System.Text.Json;
using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Tests.Support;
using NativeCnn.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>Short seeded training runs on real FER-2013 images.</summary>
public class TrainingRunTests
{
    // A small CNN so the run takes seconds; BatchNormalization momentum 0.9 so the moving
    // statistics settle within the few hundred steps of the test.
    private const string SmallCnn = """
        { "name": "small-fer", "input_shape": [48, 48, 1],
          "classes": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
          "layers": [
            { "type": "Conv2D", "filters": 16, "kernel_size": 3, "padding": "same" },
            { "type": "BatchNormalization", "momentum": 0.9 }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 },
            { "type": "Conv2D", "filters": 32, "kernel_size": 3, "padding": "same" },
            { "type": "BatchNormalization", "momentum": 0.9 }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 4 }, { "type": "Dropout", "rate": 0.25 },
            { "type": "Flatten" }, { "type": "Dense", "units": 64 },
            { "type": "BatchNormalization", "momentum": 0.9 }, { "type": "Activation", "activation": "relu" },
            { "type": "Dense", "units": 7, "activation": "softmax" } ] }
        """;

    private static readonly Lazy<Fer2013Splits> Fer = new(() => Fer2013FolderReader.Load(RepositoryPaths.Fer2013));

    private static List<EpochStats> Train(LabeledImageSet train, LabeledImageSet validation, int epochs, ulong seed)
    {
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Parse(SmallCnn, "small-fer"), device, seed: seed);
        using var adam = new Adam();
        return [.. model.Fit(train, validation, new FitOptions { Epochs = epochs, BatchSize = 32, Seed = seed, Optimizer = adam }).Epochs];
    }

    [Test]
    public void Loss_falls_and_accuracy_beats_chance_on_a_small_real_subset()
    {
        var train = Fer.Value.Train.StratifiedSample(300, seed: 1);
        var validation = Fer.Value.PublicTest.StratifiedSample(50, seed: 1);
        var history = Train(train, validation, epochs: 4, seed: 1);
        TestContext.Out.WriteLine(string.Join("\n", history));

        Assert.That(history[^1].TrainLoss, Is.LessThan(history[0].TrainLoss - 0.1), "training loss falls");
        // The validation subset is balanced (50 per class), so chance is 1/7 = 14.3%.
        Assert.That(history.Max(h => h.ValidationAccuracy), Is.GreaterThan(0.25), "clearly above chance on held-out PublicTest images");
    }

    [Test]
    public void The_same_seed_gives_the_same_run()
    {
        var train = Fer.Value.Train.StratifiedSample(40, seed: 2);
        var validation = Fer.Value.PublicTest.StratifiedSample(10, seed: 2);
        var a = Train(train, validation, epochs: 2, seed: 5);
        var b = Train(train, validation, epochs: 2, seed: 5);
        var c = Train(train, validation, epochs: 2, seed: 6);
        Assert.That(b.Select(h => (h.TrainLoss, h.ValidationLoss)), Is.EqualTo(a.Select(h => (h.TrainLoss, h.ValidationLoss))));
        Assert.That(c[0].TrainLoss, Is.Not.EqualTo(a[0].TrainLoss));
    }

    [Test]
    public void Evaluate_json_reproduces_the_accuracy_the_training_run_reported()
    {
        InTempFolder("nativecnn-run-", run =>
        {
            var train = Cli.Run("train", "--model", RepositoryPaths.Model("seed001-shallow"), "--data", RepositoryPaths.Fer2013,
                "--epochs", "1", "--samples-per-class", "20", "--seed", "3", "--out", run);
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
            Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), Has.Length.EqualTo(1));
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json")));
            double reported = report.RootElement.GetProperty("private_test").GetProperty("accuracy").GetDouble();

            var evaluate = Cli.Run("evaluate", "--checkpoint", Path.Combine(run, "model.safetensors"), "--data", RepositoryPaths.Fer2013, "--json");
            Assert.That(evaluate.ExitCode, Is.EqualTo(0), evaluate.Error);
            using var json = JsonDocument.Parse(evaluate.Out);
            var root = json.RootElement;
            Assert.That(root.GetProperty("accuracy").GetDouble(), Is.EqualTo(reported));
            Assert.That(root.GetProperty("count").GetInt64(), Is.EqualTo(3589));
            Assert.That(root.GetProperty("per_class").GetArrayLength(), Is.EqualTo(7));
            Assert.That(root.GetProperty("confusion_matrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(v => v.GetInt64())), Is.EqualTo(3589));
            Assert.That(root.TryGetProperty("balanced_accuracy", out _) && root.TryGetProperty("macro_f1", out _), Is.True);

            foreach (var tta in new[] { "flip", "ten-crop" })
            {
                var augmented = Cli.Run("evaluate", "--checkpoint", Path.Combine(run, "model.safetensors"), "--data", RepositoryPaths.Fer2013,
                    "--json", "--tta", tta);
                Assert.That(augmented.ExitCode, Is.EqualTo(0), augmented.Error);
                using var tjson = JsonDocument.Parse(augmented.Out);
                Assert.That(tjson.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(3589), tta);
                Assert.That(tjson.RootElement.GetProperty("accuracy").GetDouble(), Is.InRange(0.0, 1.0), tta);
                Assert.That(tjson.RootElement.GetProperty("loss").GetDouble(), Is.GreaterThan(0), tta);
            }
        });
    }

    [Test]
    public void L2_and_balanced_class_weights_are_applied_printed_and_recorded()
    {
        InTempFolder("nativecnn-run-", root =>
        {
            // A folder-per-class tree, imbalanced 10 : 30 : 15, split 80/10/10 by the trainer.
            string data = Path.Combine(root, "data");
            foreach (var (emotion, count) in new[] { ("angry", 10), ("happy", 30), ("sad", 15) })
            {
                Directory.CreateDirectory(Path.Combine(data, emotion));
                foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, "train", emotion)).Order().Take(count))
                    File.Copy(file, Path.Combine(data, emotion, Path.GetFileName(file)));
            }
            string architecture = Path.Combine(root, "small.json");
            File.WriteAllText(architecture, """
                { "name": "small", "input_shape": [16, 16, 1], "classes": ["angry", "happy", "sad"],
                  "layers": [
                    { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu",
                      "kernel_regularizer": {"l2": 0.01} },
                    { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Flatten" },
                    { "type": "Dense", "units": 3, "activation": "softmax" } ] }
                """);
            string run = Path.Combine(root, "run");
            var train = Cli.Run("train", "--model", architecture, "--data", data, "--epochs", "1", "--batch-size", "8",
                "--l2", "0.001", "--class-weight", "balanced", "--out", run);
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);

            // The weights the run must have used: scikit-learn's n_samples / (n_classes · count_c) on its training part.
            var parts = DatasetLoader.Load(data, [16, 16, 1], ["angry", "happy", "sad"], _ => { });
            int[] counts = parts.Train.CountPerClass();
            double[] expected = counts.Select(c => (double)parts.Train.Count / (3 * c)).ToArray();
            Assert.That(train.Out, Does.Contain(FormattableString.Invariant(
                $"class_weight balanced (angry {expected[0]:0.000}, happy {expected[1]:0.000}, sad {expected[2]:0.000})")));
            Assert.That(train.Out, Does.Contain("kernel l2 0.001 on 1, 0.01 on 1 of 2 kernels"));

            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json")));
            var summary = report.RootElement;
            Assert.That(summary.GetProperty("l2").GetDouble(), Is.EqualTo(0.001));
            Assert.That(summary.GetProperty("kernel_l2").GetProperty("conv2d_1").GetDouble(), Is.EqualTo(0.01), "the architecture's own λ wins");
            Assert.That(summary.GetProperty("kernel_l2").GetProperty("dense_1").GetDouble(), Is.EqualTo(0.001));
            Assert.That(summary.GetProperty("class_weight").GetString(), Is.EqualTo("balanced"));
            var weights = summary.GetProperty("class_weights");
            foreach (var (name, i) in new[] { ("angry", 0), ("happy", 1), ("sad", 2) })
                Assert.That(weights.GetProperty(name).GetDouble(), Is.EqualTo(expected[i]).Within(1e-6), name);

            using var epoch = JsonDocument.Parse(File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))[0]);
            double penalty = epoch.RootElement.GetProperty("regularization_loss").GetDouble();
            Assert.That(penalty, Is.GreaterThan(0));
            Assert.That(epoch.RootElement.GetProperty("train_loss").GetDouble(), Is.GreaterThan(penalty));
            Assert.That(File.ReadAllText(Path.Combine(run, "report.md")), Does.Contain("kernel l2 0.001 on 1").And.Contain("class_weight balanced"));

            using var device = new CpuDevice();
            using var checkpoint = NativeCnn.Engine.Serialization.Checkpoint.Load(Path.Combine(run, "model.safetensors"), device);
            using var state = JsonDocument.Parse(checkpoint.TrainingState);
            Assert.That(state.RootElement.GetProperty("l2").GetDouble(), Is.EqualTo(0.001));
            Assert.That(state.RootElement.GetProperty("class_weights").GetProperty("angry").GetDouble(), Is.EqualTo(expected[0]).Within(1e-6));
        });
    }

    [Test]
    public void An_interrupted_run_resumed_with_resume_ends_exactly_like_an_uninterrupted_one()
    {
        InTempFolder("nativecnn-resume-", root =>
        {
            // Dropout, augmentation, Adam's moments and ReduceLROnPlateau, whose count of epochs without
            // a lower validation loss spans the interruption: everything whose state a resume must restore.
            string[] recipe = ["train", "--model", RepositoryPaths.Model("seed004"), "--data", RepositoryPaths.Fer2013, "--epochs", "6",
                "--samples-per-class", "4", "--batch-size", "4", "--flip", "--rotation", "10", "--lr-schedule", "plateau", "--seed", "2"];
            string whole = Path.Combine(root, "whole"), resumed = Path.Combine(root, "resumed");
            Assert.That(Cli.Run([.. recipe, "--out", whole]).ExitCode, Is.EqualTo(0));
            TrainCommandInterrupted([.. recipe, "--out", resumed], afterEpoch: 4);
            Assert.That(File.Exists(Path.Combine(resumed, "report.json")), Is.False);
            Assert.That(File.ReadAllLines(Path.Combine(resumed, "metrics.jsonl")), Has.Length.EqualTo(4));

            var again = Cli.Run([.. recipe, "--out", resumed, "--resume"]);
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
            Assert.That(again.Out, Does.Contain("resuming after epoch 4"));
            Assert.That(again.Out, Does.Not.Contain("epoch 1/6  batch"), "finished epochs are not trained again");

            string[] Losses(string run) => File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(line =>
            {
                using var epoch = JsonDocument.Parse(line);
                var e = epoch.RootElement;
                return string.Join(" ", new[] { "train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "learning_rate" }
                    .Select(name => e.GetProperty(name).GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            }).ToArray();
            Assert.That(Losses(whole)[^1].Split(' ')[^1], Is.Not.EqualTo(Losses(whole)[0].Split(' ')[^1]),
                "this recipe's plateau schedule lowers the rate after the interruption, so the schedule's replay is tested");
            Assert.That(Losses(resumed), Is.EqualTo(Losses(whole)), "every epoch's losses, accuracies and learning rate, bit for bit");
            Assert.That(File.ReadAllBytes(Path.Combine(resumed, "last.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, "last.safetensors"))),
                "the final weights and optimizer state");
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(resumed, "report.json")));
            using var wholeReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(whole, "report.json")));
            Assert.That(report.RootElement.GetProperty("resumed_after_epoch").GetInt32(), Is.EqualTo(4));
            Assert.That(report.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble(),
                Is.EqualTo(wholeReport.RootElement.GetProperty("test").GetProperty("accuracy").GetDouble()));

            var missing = Cli.Run([.. recipe, "--out", whole + "-never-started", "--resume"]);
            Assert.That(missing.ExitCode, Is.EqualTo(1));
            Assert.That(missing.Error, Does.Contain("last.safetensors: not found"));
            Assert.That(Directory.Exists(whole + "-never-started"), Is.False, "a refused resume creates no folder");
        });
    }

    [Test]
    public void Resume_refuses_other_options_than_the_interrupted_run_had()
    {
        InTempFolder("nativecnn-resume-", run =>
        {
            string[] recipe = ["train", "--model", RepositoryPaths.Model("seed004"), "--data", RepositoryPaths.Fer2013, "--epochs", "2",
                "--samples-per-class", "4", "--out", run];
            TrainCommandInterrupted(recipe, afterEpoch: 1);
            var other = Cli.Run([.. recipe.Select(o => o == "2" ? "3" : o), "--resume"]);
            Assert.That(other.ExitCode, Is.EqualTo(1));
            Assert.That(other.Error, Does.Contain("last.safetensors").And.Contain("resuming needs the same options").And.Contain("3 epochs"));
            Assert.That(other.Error, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(Cli.Run([.. recipe, "--resume"]).ExitCode, Is.EqualTo(0), "the original options resume it");
            Assert.That(Cli.Run([.. recipe, "--resume"]).Error, Does.Contain("already holds a finished run"));
        });
    }

    [Test]
    public void Early_stopping_ends_the_run_the_given_number_of_epochs_after_the_best()
    {
        InTempFolder("nativecnn-early-", run =>
        {
            var train = Cli.Run("train", "--model", RepositoryPaths.Model("seed004"), "--data", RepositoryPaths.Fer2013, "--epochs", "12",
                "--samples-per-class", "4", "--batch-size", "4", "--early-stopping", "2", "--seed", "5", "--out", run);
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
            var accuracies = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("validation_accuracy").GetDouble()).ToList();
            int best = accuracies.IndexOf(accuracies.Max()) + 1;
            Assert.That(accuracies, Has.Count.LessThan(12), "this recipe stops early");
            Assert.That(train.Out, Does.Contain("early stopping: no better public-test accuracy for 2 epochs"));
            Assert.That(accuracies, Has.Count.EqualTo(best + 2), "two epochs without a better accuracy after the best, then stop");
            using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json")));
            Assert.That(report.RootElement.GetProperty("best_epoch").GetInt32(), Is.EqualTo(best));
        });
    }

    // Runs a test in a fresh folder under the temp directory and deletes the folder afterwards, pass or fail.
    private static void InTempFolder(string prefix, Action<string> test)
    {
        string folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        try
        {
            test(folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static void TrainCommandInterrupted(string[] args, int afterEpoch)
    {
        NativeCnn.Trainer.Cli.TrainCommand.InterruptAfterEpochForTests = afterEpoch;
        try
        {
            Assert.That(Cli.Run(args).ExitCode, Is.Not.EqualTo(0), $"the run stops after epoch {afterEpoch}");
        }
        finally
        {
            NativeCnn.Trainer.Cli.TrainCommand.InterruptAfterEpochForTests = null;
        }
    }

    [Test]
    public void A_four_class_model_trains_and_evaluates_on_its_fer_subset()
    {
        InTempFolder("nativecnn-run-", run =>
        {
            var train = Cli.Run("train", "--model", RepositoryPaths.Model("seed004"), "--data", RepositoryPaths.Fer2013,
                "--epochs", "2", "--samples-per-class", "8", "--flip", "--rotation", "10", "--out", run);
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
            Assert.That(train.Out, Does.Contain("keeping the model's 4 of the data's 7 classes"));
            Assert.That(train.Out, Does.Match(@"epoch 1/2  batch 1/1  loss \d\.\d{4}  acc .* img/s  ETA \d+:\d\d  run \d+:\d\d"), "progress gives the epoch's and the run's ETA");
            var evaluate = Cli.Run("evaluate", "--checkpoint", Path.Combine(run, "model.safetensors"), "--data", RepositoryPaths.Fer2013, "--json");
            using var json = JsonDocument.Parse(evaluate.Out);
            // PrivateTest images of happy, sad, neutral and surprise (shared/data/README.md): 879 + 594 + 626 + 416.
            Assert.That(json.RootElement.GetProperty("count").GetInt64(), Is.EqualTo(2515));
            Assert.That(json.RootElement.GetProperty("per_class").EnumerateArray().Select(c => c.GetProperty("class").GetString()),
                Is.EqualTo(new[] { "happy", "sad", "neutral", "surprise" }));
            Assert.That(File.Exists(Path.Combine(run, "training_curves.png")) && File.Exists(Path.Combine(run, "confusion_matrix.png"))
                && File.Exists(Path.Combine(run, "report.md")), Is.True, "report images and Markdown");
        });
    }
}
