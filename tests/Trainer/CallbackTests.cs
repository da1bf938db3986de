using NativeCnn.Data;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;
using NativeCnn.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>The Keras callbacks: their rules on given metric sequences, and in real Fit runs (files, best weights, resume).</summary>
public class CallbackTests
{
    private const string Small = """
        { "name": "small", "input_shape": [8, 8, 1], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same" },
            { "type": "BatchNormalization", "momentum": 0.9 }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Dropout", "rate": 0.25 },
            { "type": "Flatten" }, { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    private static readonly CpuDevice Device = new();

    private static LabeledImageSet Images(int count, int seed) => new(
        RandomData.Floats(count * 64, seed).Select(v => (byte)(127.5f + 127.5f * v)).ToArray(), Enumerable.Range(0, count).Select(i => i % 3).ToArray(),
        1, 8, 8, ["a", "b", "c"]);

    private static readonly LabeledImageSet Train = Images(24, 1), Validation = Images(9, 2);

    private string _dir = "";

    [SetUp]
    public void CreateDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "nativecnn-callbacks-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteDir() => Directory.Delete(_dir, recursive: true);

    private static EpochStats Epoch(int epoch, double valLoss = 1, double valAccuracy = 0.5) => new(epoch, 1, 0.5, valLoss, valAccuracy, 1, 1, 0.1);

    /// <summary>Drives a callback through epochs with the given metrics, as Fit would, without training.</summary>
    private static FitContext Drive(Callback callback, Optimizer optimizer, IEnumerable<EpochStats> epochs, Sequential? model = null)
    {
        var context = new FitContext(model!, new FitOptions { Epochs = 100, Optimizer = optimizer }, batchesPerEpoch: 1);
        callback.Attach(context);
        callback.OnTrainBegin();
        foreach (var e in epochs)
        {
            if (context.StopTraining) break;
            callback.OnEpochBegin(e.Epoch);
            context.Add(e with { LearningRate = optimizer.LearningRate });
            callback.OnEpochEnd(context.History[^1]);
        }
        return context;
    }

    [Test]
    public void ReduceLROnPlateau_multiplies_the_rate_after_patience_epochs_without_a_new_minimum()
    {
        using var sgd = new Sgd(0.1);
        var losses = new[] { 1.0, 0.9, 0.95, 0.97, 0.96, 0.99, 0.98, 0.97 };
        var plateau = new ReduceLROnPlateau("val_loss", factor: 0.5, patience: 2, minDelta: 0, minLearningRate: 0.02);
        var context = Drive(plateau, sgd, losses.Select((l, i) => Epoch(i + 1, valLoss: l)));
        // Rates used by epochs 1..8: new minima at 1-2; none at 3, 4 -> halve; 5, 6 -> halve; 7, 8 -> the floor 0.02 after epoch 8.
        Assert.That(context.History.Select(h => h.LearningRate), Is.EqualTo(new[] { 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 }).Within(1e-12));
        Assert.That(sgd.LearningRate, Is.EqualTo(0.02).Within(1e-12));
    }

    [Test]
    public void ReduceLROnPlateau_counts_min_delta_and_cooldown_as_keras_does()
    {
        using var sgd = new Sgd(1.0);
        // 0.95 is not below 1.0 - 0.1: no improvement. Keras counts the cooldown down before it compares, so cooldown 2
        // leaves one epoch uncounted after a reduction.
        var plateau = new ReduceLROnPlateau("val_loss", factor: 0.1, patience: 1, minDelta: 0.1, cooldown: 2);
        var context = Drive(plateau, sgd, new[] { 1.0, 0.95, 0.93, 0.92, 0.5 }.Select((l, i) => Epoch(i + 1, valLoss: l)));
        Assert.That(context.History.Select(h => h.LearningRate), Is.EqualTo(new[] { 1.0, 1.0, 0.1, 0.1, 0.01 }).Within(1e-12),
            "epoch 2 reduces; epoch 3 is not counted; epoch 4 reduces again; epoch 5 improves");
    }

    [Test]
    public void EarlyStopping_stops_patience_epochs_after_the_best_and_monitors_in_the_right_direction()
    {
        using var sgd = new Sgd();
        var accuracy = new EarlyStopping("val_accuracy", patience: 2);
        var byAccuracy = Drive(accuracy, sgd, new[] { 0.3, 0.5, 0.5, 0.49, 0.6, 0.7 }.Select((a, i) => Epoch(i + 1, valAccuracy: a)));
        Assert.That((byAccuracy.History.Count, accuracy.BestEpoch, accuracy.StoppedEpoch), Is.EqualTo((4, 2, 4)), "auto mode maximises accuracy");

        var loss = new EarlyStopping("val_loss", minDelta: 0.05, patience: 1);
        var byLoss = Drive(loss, sgd, new[] { 1.0, 0.97, 0.9 }.Select((l, i) => Epoch(i + 1, valLoss: l)));
        Assert.That((byLoss.History.Count, loss.StoppedEpoch), Is.EqualTo((2, 2)), "0.03 lower is less than min_delta");

        Assert.That(() => new EarlyStopping("val_acc"), Throws.ArgumentException.With.Message.Contains("val_accuracy, val_balanced_accuracy"));
        Assert.That(() => new ReduceLROnPlateau(factor: 1), Throws.ArgumentException.With.Message.Contains("factor must be in (0, 1)"));
    }

    [Test]
    public void Restore_best_weights_gives_back_the_best_epochs_model()
    {
        using var model = Sequential.Build(ArchitectureSpec.Parse(Small, "small"), Device, seed: 3);
        using var adam = new Adam();
        string best = Path.Combine(_dir, "best.safetensors");
        // The learning rate never rises, so epoch 1 is the best by "lr" (max) and training stops after epoch 3.
        var history = model.Fit(Train, Validation, new FitOptions { Epochs = 10, BatchSize = 8, Optimizer = adam },
            new ModelCheckpoint(best, "lr", MonitorMode.Max, saveBestOnly: true),
            new EarlyStopping("lr", patience: 2, mode: MonitorMode.Max, restoreBestWeights: true));
        Assert.That((history.Epochs.Count, history.StoppedEarly), Is.EqualTo((3, true)));
        using var epoch1 = Checkpoint.Load(best, Device);
        foreach (var p in model.Parameters)
            Assert.That(HostFloats.Read(p.Value), Is.EqualTo(HostFloats.Read(epoch1.Model.FindParameter(p.FullName)!.Value)), p.FullName);
    }

    [Test]
    public void The_model_file_holds_weights_and_statistics_only_and_the_backup_everything_to_resume()
    {
        using var model = Sequential.Build(ArchitectureSpec.Parse(Small, "small"), Device, seed: 3);
        using var adam = new Adam();
        using var run = new RunFolder(Path.Combine(_dir, "run"));
        model.Fit(Train, Validation, new FitOptions { Epochs = 2, BatchSize = 8, Optimizer = adam },
            new ModelCheckpoint(run.CheckpointPath, saveBestOnly: false), new BackupAndRestore(run, "small run"));
        var modelFile = SafeTensorsFile.Read(run.CheckpointPath);
        Assert.That(modelFile.TensorsInOrder.Select(t => t.Name), Is.EqualTo(model.Parameters.Select(p => p.FullName)),
            "kernels, biases, gamma, beta, moving mean and variance; no optimizer moments");
        var backup = SafeTensorsFile.Read(run.LastCheckpointPath);
        Assert.That(backup.Tensors.Keys.Count(k => k.StartsWith("optimizer.", StringComparison.Ordinal)),
            Is.EqualTo(2 * model.Parameters.Count(p => p.Trainable)), "Adam's m and v of every trainable parameter");
    }

    [Test]
    public void A_library_run_resumed_from_its_backup_ends_like_an_uninterrupted_one()
    {
        // EarlyStopping keeps best weights (tensors in the backup), ReduceLROnPlateau a count, CSVLogger its rows.
        int attempts = 0;
        string Whole(string name, int? interruptAfter)
        {
            attempts = 0;
            string folder = Path.Combine(_dir, name);
            for (int attempt = 0; ; attempt++)
            {
                attempts++;
                using var model = Sequential.Build(ArchitectureSpec.Parse(Small, "small"), Device, seed: 3);
                using var adam = new Adam(0.01);
                using var cancel = new CancellationTokenSource();
                using var run = new RunFolder(folder, resume: attempt > 0);
                List<Callback> callbacks =
                [
                    new ModelCheckpoint(run.CheckpointPath, "val_loss", saveBestOnly: true),
                    new EarlyStopping("val_loss", patience: 4, restoreBestWeights: true),
                    new ReduceLROnPlateau("val_loss", factor: 0.5, patience: 1, minDelta: 0),
                    new CsvLogger(Path.Combine(folder, "metrics.csv")),
                    new BackupAndRestore(run, "small run"),
                ];
                if (attempt == 0 && interruptAfter is int stop) callbacks.Insert(0, new CancelAfter(stop, cancel));
                try
                {
                    model.Fit(Train, Validation, new FitOptions { Epochs = 6, BatchSize = 8, Seed = 2, Optimizer = adam, Cancellation = cancel.Token }, callbacks);
                    return folder;
                }
                catch (OperationCanceledException) when (attempt == 0) { }
            }
        }
        string whole = Whole("whole", null), resumed = Whole("resumed", interruptAfter: 3);
        Assert.That(attempts, Is.EqualTo(2), "stopped after epoch 3, then resumed");
        Assert.That(File.ReadAllBytes(Path.Combine(resumed, "last.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, "last.safetensors"))));
        Assert.That(File.ReadAllBytes(Path.Combine(resumed, "model.safetensors")), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, "model.safetensors"))));
        static string[] Rows(string folder) => File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Select(l => string.Join(",", l.Split(',')[..^2])).ToArray();
        Assert.That(Rows(resumed), Is.EqualTo(Rows(whole)), "every epoch once, same numbers (timings aside)");
        Assert.That(Rows(whole).Select(r => r.Split(',')[^1]).Distinct().Count(), Is.GreaterThan(1), "the plateau lowered the rate");
    }

    private sealed class CancelAfter(int epoch, CancellationTokenSource source) : Callback
    {
        public override void OnEpochEnd(EpochStats logs)
        {
            if (logs.Epoch == epoch) source.Cancel();
        }
    }
}
