using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Data;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Reports;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn train</c>: trains a model on FER-2013 by the standard protocol (train on
/// Training, keep the best epoch by PublicTest accuracy, report PrivateTest once at the end).
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Architecture name (seed001-shallow, ...) or path to a JSON file", Required = true };
        var data = new Option<string?>("--data") { Description = "FER-2013 folder (train/, test/) or fer2013.csv; default: see README (NATIVECNN_DATA, ./datasets/fer2013, ../shared/data/fer2013)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 15 };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per optimizer step", DefaultValueFactory = _ => 64 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "sgd");
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: Keras' 0.001 for adam, 0.01 for sgd)" };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0 };
        var nesterov = new Option<bool>("--nesterov") { Description = "Use Nesterov momentum with sgd" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialisation, shuffling and dropout", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "Compute device", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/<model>-<time>)" };
        var perClass = new Option<int>("--samples-per-class") { Description = "Train on a seeded stratified subset of this many images per class (0 = all)", DefaultValueFactory = _ => 0 };
        var command = new Command("train", "Train a model on FER-2013 and keep the best checkpoint")
        {
            model, data, epochs, batchSize, optimizer, lr, momentum, nesterov, seed, device, output, perClass,
        };
        command.SetAction(r => ErrorHandling.Run(() =>
        {
            if (r.GetValue(epochs) <= 0) throw new CliException($"--epochs must be positive, got {r.GetValue(epochs)}");
            return Run(new TrainArguments(r.GetValue(model)!, r.GetValue(data), r.GetValue(epochs), r.GetValue(batchSize),
                r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(momentum), r.GetValue(nesterov), r.GetValue(seed),
                r.GetValue(device)!, r.GetValue(output), r.GetValue(perClass)));
        }));
        return command;
    }

    /// <summary>Parsed train arguments.</summary>
    public sealed record TrainArguments(string Model, string? Data, int Epochs, int BatchSize, string Optimizer, double? LearningRate,
        double Momentum, bool Nesterov, ulong Seed, string Device, string? Output, int SamplesPerClass);

    /// <summary>Runs training; returns the exit code.</summary>
    public static int Run(TrainArguments a)
    {
        var total = Stopwatch.StartNew();
        var spec = ModelLocator.Load(a.Model);
        string dataPath = DataLocator.Resolve(a.Data);
        var splits = DatasetLoader.Load(dataPath, spec.InputShapeHwc, ErrorHandling.Info);
        var train = a.SamplesPerClass > 0 ? splits.Train.StratifiedSample(a.SamplesPerClass, unchecked((int)a.Seed)) : splits.Train;
        var run = new RunFolder(a.Output ?? Path.Combine("runs", $"{spec.Name}-{DateTime.Now:yyyyMMdd-HHmmss}"));

        using var dev = DeviceFactory.Create(a.Device);
        using var model = Sequential.Build(spec, dev, seed: a.Seed);
        using Optimizer optimizer = a.Optimizer == "sgd"
            ? new Sgd(a.LearningRate ?? 1e-2, a.Momentum, a.Nesterov)
            : new Adam(a.LearningRate ?? 1e-3);
        using var trainer = new TrainingLoop(model, optimizer, train, splits.PublicTest, new TrainingOptions(a.Epochs, a.BatchSize, a.Seed));

        ErrorHandling.Info($"training {spec.Name} ({model.TotalParameterCount:N0} parameters) on {dev.Name}: {train.Count:N0} images, "
            + $"{a.Epochs} epochs, batch {a.BatchSize}, {optimizer.Name} lr {optimizer.LearningRate}, seed {a.Seed}; run folder {run.Path}");
        var history = new List<EpochStats>();
        EpochStats? best = null;
        foreach (int epoch in Enumerable.Range(1, a.Epochs))
        {
            var stats = ConsoleProgress.Run(epoch, a.Epochs, trainer.BatchesPerEpoch, onBatch => trainer.RunEpoch(epoch, onBatch));
            history.Add(stats);
            run.AppendMetrics(stats);
            bool improved = best == null || stats.ValidationAccuracy > best.ValidationAccuracy;
            if (improved)
            {
                best = stats;
                Checkpoint.Save(run.CheckpointPath, model, optimizer, JsonSerializer.Serialize(new
                {
                    epoch, seed = a.Seed, batch_size = a.BatchSize, data = dataPath, public_test_accuracy = stats.ValidationAccuracy,
                }, RunFolder.Json));
            }
            ErrorHandling.Info($"epoch {epoch,2}/{a.Epochs}  train loss {stats.TrainLoss:0.0000} acc {stats.TrainAccuracy:P2}  "
                + $"public-test loss {stats.ValidationLoss:0.0000} acc {stats.ValidationAccuracy:P2}  {stats.Seconds:0.0} s  "
                + $"{stats.ImagesPerSecond:0} img/s{(improved ? "  * saved" : "")}");
        }

        // Report PrivateTest with the checkpoint chosen on PublicTest, exactly as evaluate would load it.
        using var loaded = Checkpoint.Load(run.CheckpointPath, dev);
        using var evaluator = new Evaluator(loaded.Model);
        var privateTest = evaluator.Evaluate(splits.PrivateTest);
        ErrorHandling.Info($"best epoch {best!.Epoch} (public-test {best.ValidationAccuracy:P2}); private-test accuracy {privateTest.Metrics.Accuracy:P2}, "
            + $"balanced {privateTest.Metrics.BalancedAccuracy:P2}, macro-F1 {privateTest.Metrics.MacroF1:0.0000}");
        run.WriteReport(new
        {
            model = spec.Name,
            data = dataPath,
            device = dev.Name,
            machine = MachineInfo.Describe(),
            date = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            epochs = a.Epochs,
            batch_size = a.BatchSize,
            optimizer = optimizer.Name,
            learning_rate = optimizer.LearningRate,
            seed = a.Seed,
            train_images = train.Count,
            parameters = model.TotalParameterCount,
            best_epoch = best.Epoch,
            public_test_accuracy = best.ValidationAccuracy,
            private_test = EvaluationReport.From(privateTest, "private-test", run.CheckpointPath),
            seconds_per_epoch = history.Average(h => h.Seconds),
            train_images_per_second = history.Average(h => h.ImagesPerSecond),
            total_seconds = total.Elapsed.TotalSeconds,
            history,
        });
        RunReport.Write(run.Path, new RunReport.Settings(spec.Name, dataPath, dev.Name, MachineInfo.Describe(),
            $"{optimizer.Name} lr {optimizer.LearningRate}, batch {a.BatchSize}, {a.Epochs} epochs, seed {a.Seed}, {train.Count:N0} training images",
            "PUBLICTEST"), history, best.Epoch, EvaluationReport.From(privateTest, "private-test", run.CheckpointPath));
        ErrorHandling.Info($"wrote {run.CheckpointPath}, {run.MetricsPath}, {run.ReportPath}, report.md and its two PNG images");
        return 0;
    }
}
