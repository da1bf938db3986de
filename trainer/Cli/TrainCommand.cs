using NativeCnn.Engine.Devices;
using System.CommandLine;
using System.Diagnostics;
using NativeCnn.Data.Augmentation;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Trainer.Reports;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn train</c>: trains a model by the standard protocol (train on the training part,
/// keep the best epoch by validation accuracy — PublicTest for FER-2013 — and report the test
/// part — PrivateTest — once at the end).
/// </summary>
public static class TrainCommand
{
    /// <summary>Parsed train arguments.</summary>
    /// <param name="Model">Architecture name or file.</param>
    /// <param name="Data">Data location, or null for the default search.</param>
    /// <param name="Epochs">Maximum epochs.</param>
    /// <param name="BatchSize">Images per step.</param>
    /// <param name="Optimizer">adam or sgd.</param>
    /// <param name="LearningRate">Base learning rate, or null for Keras' default of the optimizer.</param>
    /// <param name="Momentum">SGD momentum.</param>
    /// <param name="Nesterov">SGD Nesterov momentum.</param>
    /// <param name="Seed">Run seed.</param>
    /// <param name="Device">Device name.</param>
    /// <param name="Output">Run folder, or null for runs/&lt;model&gt;-&lt;time&gt;.</param>
    /// <param name="SamplesPerClass">Stratified training subset size per class, 0 for all.</param>
    /// <param name="Schedule">Learning-rate schedule name: constant, step, cosine, or plateau (ReduceLROnPlateau).</param>
    /// <param name="Callbacks">Checkpoint, early-stopping, plateau and CSV-log settings.</param>
    /// <param name="Augmentation">Random training-image transforms.</param>
    /// <param name="L2">Keras l2(λ) for every Conv2D and Dense kernel without its own kernel_regularizer (0 = off).</param>
    /// <param name="ClassWeight">"none" or "balanced" (Keras class_weight from scikit-learn's balanced formula, training loss only).</param>
    /// <param name="Resume">Continue the interrupted run in <paramref name="Output"/> from its last.safetensors.</param>
    /// <param name="CacheDir">Decoded-dataset cache folder, or null for the default (NATIVECNN_CACHE_DIR, XDG_CACHE_HOME/nativecnn, ~/.cache/nativecnn).</param>
    /// <param name="Overwrite">Replace the run <paramref name="Output"/> holds (its run files are deleted when training starts).</param>
    /// <param name="MaxImagePixels">The decoder's pixel limit (width x height).</param>
    public sealed record TrainArguments(string Model, string? Data, int Epochs, int BatchSize, string Optimizer, double? LearningRate,
        double Momentum, bool Nesterov, ulong Seed, string Device, string? Output, int SamplesPerClass,
        string Schedule = "constant", CallbackSettings? Callbacks = null, AugmentationOptions? Augmentation = null, double L2 = 0, string ClassWeight = "none",
        bool Resume = false, string? CacheDir = null, bool Overwrite = false, long MaxImagePixels = NativeCnn.Data.Imaging.GrayImageDecoder.DefaultMaxPixels)
    {
        /// <summary>
        /// Checks every option on its own and against the others, before anything is read or written: the one place
        /// where a value is refused, with a message naming the option and the value.
        /// </summary>
        /// <exception cref="CliException">A value is out of range, or two options contradict each other.</exception>
        public void Validate()
        {
            OptionChecks.Require(Epochs >= 1, "--epochs", Epochs, "a positive number of epochs");
            OptionChecks.Require(BatchSize >= 1, "--batch-size", BatchSize, "a positive number of images");
            if (LearningRate is double lr) OptionChecks.Require(double.IsFinite(lr) && lr > 0, "--lr", lr, "a finite number > 0");
            OptionChecks.Require(double.IsFinite(Momentum) && Momentum is >= 0 and < 1, "--momentum", Momentum, "in [0, 1)");
            if (Optimizer != "sgd" && (Momentum != 0 || Nesterov))
                throw new CliException($"--momentum and --nesterov belong to --optimizer sgd, and this run uses {Optimizer}");
            OptionChecks.Require(SamplesPerClass >= 0, "--samples-per-class", SamplesPerClass, "a positive number of images (or 0 for all)");
            OptionChecks.Require(MaxImagePixels >= 1, "--max-image-pixels", MaxImagePixels, "at least 1");
            if (Augmentation?.FindProblem() is { } range)
            {
                string option = range.Property switch { "RotationRange" => "--rotation", "ZoomRange" => "--zoom", "ShearRange" => "--shear", _ => "--shift" };
                OptionChecks.Require(false, option, range.Value, "in " + range.Interval);
            }
            LossSettings.Validate(L2, ClassWeight);
            (Callbacks ?? new CallbackSettings()).Validate();
            if (Resume && Output is null) throw new CliException("--resume needs --out: the folder of the run to continue");
            if (Resume && Overwrite) throw new CliException("--resume continues the run in --out and --overwrite replaces it: give one of them");
            OptionChecks.RequireNotAFile(Output, "--out");
            OptionChecks.RequireNotAFile(CacheDir, "--cache-dir");
        }
    }

    /// <summary>Tests only: stop with an <see cref="OperationCanceledException"/> right after this epoch's files are written, as a killed run would.</summary>
    internal static int? InterruptAfterEpochForTests { get; set; }

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Architecture name (seed001-shallow, ...) or path to a JSON file", Required = true };
        var data = new Option<string?>("--data") { Description = "FER-2013 folder or fer2013.csv, a muxspace folder, or a folder per class; default: see README (NATIVECNN_DATA, ./datasets/fer2013, ../shared/data/fer2013)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 15 };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per optimizer step", DefaultValueFactory = _ => 64 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam or sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "sgd");
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: Keras' 0.001 for adam, 0.01 for sgd)" };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0 };
        var nesterov = new Option<bool>("--nesterov") { Description = "Use Nesterov momentum with sgd" };
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialisation, shuffling, dropout and augmentation", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "Compute device: " + DeviceFactory.Help, DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/<model>-<time>)" };
        var perClass = new Option<int>("--samples-per-class") { Description = "Train on a seeded stratified subset of this many images per class (0 = all)", DefaultValueFactory = _ => 0 };
        var schedule = new Option<string>("--lr-schedule") { Description = "constant, step (x0.1 every third of the epochs), cosine, or plateau (Keras ReduceLROnPlateau: by default x0.5 after 3 epochs without a lower validation loss; see --plateau-*)", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "step", "cosine", "plateau");
        var callbacks = new CallbackOptions();
        var rotation = new Option<double>("--rotation") { Description = "Augmentation: random rotation range, degrees (Keras rotation_range)" };
        var shift = new Option<double>("--shift") { Description = "Augmentation: random width and height shift, fraction of the size" };
        var zoom = new Option<double>("--zoom") { Description = "Augmentation: random zoom range, fraction (Keras zoom_range)" };
        var shear = new Option<double>("--shear") { Description = "Augmentation: random shear range, degrees" };
        var flip = new Option<bool>("--flip") { Description = "Augmentation: random horizontal flips" };
        var l2 = new Option<double>("--l2") { Description = "L2 weight decay λ: adds λ·Σw² per Conv2D/Dense kernel to the loss (Keras kernel_regularizer=l2(λ)) unless the architecture sets the layer's own; 0 = off", DefaultValueFactory = _ => 0 };
        var classWeight = new Option<string>("--class-weight") { Description = "none, or balanced: weight each class's training loss by n_samples / (n_classes · count), computed on the training images (Keras class_weight)", DefaultValueFactory = _ => "none" };
        classWeight.AcceptOnlyFromAmong(LossSettings.ClassWeightModes);
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run in --out from its last finished epoch (give the run's original options); on a finished run, write its missing reports" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run --out holds: its run files (model, checkpoints, metrics, reports) are deleted when training starts" };
        var cacheDir = CacheDirOption.Create();
        var maxPixels = MaxImagePixelsOption.Create();
        var command = new Command("train", "Train a model and keep the best checkpoint")
        {
            model, data, epochs, batchSize, optimizer, lr, momentum, nesterov, seed, device, output, perClass,
            schedule, rotation, shift, zoom, shear, flip, l2, classWeight, resume, overwrite, cacheDir, maxPixels,
        };
        foreach (var option in callbacks.All) command.Add(option);
        command.SetAction(r => ErrorHandling.Run(() => Run(new TrainArguments(r.GetValue(model)!, r.GetValue(data), r.GetValue(epochs),
            r.GetValue(batchSize), r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(momentum), r.GetValue(nesterov), r.GetValue(seed),
            r.GetValue(device)!, r.GetValue(output), r.GetValue(perClass), r.GetValue(schedule)!, callbacks.Read(r),
            new AugmentationOptions
            {
                RotationRange = r.GetValue(rotation), WidthShiftRange = r.GetValue(shift), HeightShiftRange = r.GetValue(shift),
                ZoomRange = r.GetValue(zoom), ShearRange = r.GetValue(shear), HorizontalFlip = r.GetValue(flip),
            }, r.GetValue(l2), r.GetValue(classWeight)!, r.GetValue(resume), r.GetValue(cacheDir), r.GetValue(overwrite), r.GetValue(maxPixels)))));
        return command;
    }

    /// <summary>Runs training; returns the exit code.</summary>
    /// <exception cref="CliException">A bad argument.</exception>
    /// <remarks>
    /// Order matters: every option, the architecture, its memory estimate and the data's classes are checked before the run folder
    /// is opened, and the folder (locked, so no second run can use it) changes only once the data and the model have loaded, so a
    /// command that fails leaves an interrupted run resumable. The reports are written before report.json, which marks the run finished.
    /// </remarks>
    public static int Run(TrainArguments a)
    {
        a.Validate();
        var settings = a.Callbacks ?? new CallbackSettings();
        var total = Stopwatch.StartNew();
        var spec = ModelLocator.Load(a.Model);
        string runPath = Path.GetFullPath(a.Output ?? Path.Combine("runs", $"{spec.Name}-{DateTime.Now:yyyyMMdd-HHmmss}"));
        using Optimizer optimizer = a.Optimizer == "sgd"
            ? new Sgd(a.LearningRate ?? 1e-2, a.Momentum, a.Nesterov)
            : new Adam(a.LearningRate ?? 1e-3);
        using (var unbuilt = Sequential.Create(spec)) ModelFitting.CheckMemory(unbuilt, a.BatchSize, optimizer);
        string dataPath = DataLocator.Resolve(a.Data);
        DatasetLoader.CheckClasses(dataPath, spec.Classes, ClassMatch.Every);
        // Built before the data is read, so a bad callback setting fails at once.
        var checkpoint = settings.Checkpoint(Path.Combine(runPath, RunFolder.ModelFile));
        List<Callback> callbacks = [.. settings.Create(checkpoint, a.Schedule, optimizer.LearningRate, a.Epochs)];
        using var dev = DeviceFactory.Create(a.Device);
        using var run = new RunFolder(runPath, a.Resume, a.Overwrite);
        foreach (string stale in run.RemovedTemporaries) ErrorHandling.Info($"removed {stale}, left by a run that was killed while writing");
        if (run.IsFinished)
            ErrorHandling.Info($"{run.Path} holds a finished run; writing its missing reports ({string.Join(", ", run.MissingReports)})");
        var data = DatasetLoader.Load(dataPath, spec.InputShapeHwc, spec.Classes, ErrorHandling.Info, cacheDirectory: a.CacheDir, maxImagePixels: a.MaxImagePixels);
        foreach (var (part, name) in new[] { (data.Validation, data.ValidationName), (data.Test, data.TestName) })
            if (part.Count == 0)
                throw new CliException($"{dataPath}: its {name} part has no images; a run chooses its best epoch on the {data.ValidationName} part and reports the {data.TestName} part");
        var train = a.SamplesPerClass > 0 ? data.Train.StratifiedSample(a.SamplesPerClass, unchecked((int)a.Seed)) : data.Train;

        using var model = Sequential.Build(spec, dev, seed: a.Seed);
        var loss = LossSettings.Apply(model, train, a.L2, a.ClassWeight);
        string callbackRecipe = settings.Describe(a.Schedule);
        string recipe = $"{optimizer.Name} lr {optimizer.LearningRate} ({a.Schedule}), batch {a.BatchSize}, {a.Epochs} epochs"
            + (settings.EarlyStopping > 0 ? $" (early stopping after {settings.EarlyStopping})" : "")
            + (a.Augmentation is { IsIdentity: false } aug ? $", augmentation rotation {aug.RotationRange} shift {aug.WidthShiftRange} zoom {aug.ZoomRange} shear {aug.ShearRange} flip {aug.HorizontalFlip}" : "")
            + (loss.Describe() is { } extra ? ", " + extra : "")
            + (callbackRecipe.Length > 0 ? ", " + callbackRecipe : "")
            + $", seed {a.Seed}";
        ErrorHandling.Info($"training {spec.Name} ({model.TotalParameterCount:N0} parameters) on {dev.Name}: {train.Count:N0} images, {recipe}; run folder {run.Path}");
        string runKey = $"{spec.Name} on {dataPath} ({train.Count} images): {recipe}"
            + (a.Optimizer == "sgd" ? $", momentum {a.Momentum} nesterov {a.Nesterov}" : "");

        var progress = new ConsoleProgress(Terminal.Detect(),
            stats => $"epoch {stats.Epoch,2}/{a.Epochs}  train loss {stats.TrainLoss:0.0000} acc {stats.TrainAccuracy:P2}  "
                + $"{data.ValidationName} loss {stats.ValidationLoss:0.0000} acc {stats.ValidationAccuracy:P2}  {stats.Seconds:0.0} s  "
                + $"{stats.ImagesPerSecond:0} img/s  lr {stats.LearningRate:G3}{(checkpoint.SavedThisEpoch ? "  * saved" : "")}",
            fit => $"resuming after epoch {fit.InitialEpoch} (model.safetensors: epoch {checkpoint.SavedEpoch}, "
                + $"{data.ValidationName} accuracy {fit.History.ElementAtOrDefault(checkpoint.SavedEpoch - 1)?.ValidationAccuracy:P2})");
        using var interrupt = new CancellationTokenSource();
        callbacks.Add(progress);
        if (InterruptAfterEpochForTests is int last) callbacks.Add(new CancelAfterEpoch(last, interrupt));
        callbacks.Add(new BackupAndRestore(run, runKey));
        var options = new FitOptions
        {
            Epochs = a.Epochs, BatchSize = a.BatchSize, Seed = a.Seed, Optimizer = optimizer, Augmentation = a.Augmentation,
            ClassWeight = loss.ClassWeight, Cancellation = interrupt.Token,
            RunInfo = new Dictionary<string, object?>
            {
                ["seed"] = a.Seed, ["batch_size"] = a.BatchSize, ["data"] = dataPath,
                ["l2"] = a.L2, ["kernel_l2"] = loss.KernelL2, ["class_weight"] = a.ClassWeight, ["class_weights"] = loss.ClassWeightByName,
            },
        };
        var fit = model.Fit(train, data.Validation, options, callbacks);
        var history = fit.Epochs;
        if (fit.StoppedEarly)
            ErrorHandling.Info($"early stopping: no better {Display(settings.EarlyStoppingMonitor, data.ValidationName)} for {settings.EarlyStopping} epochs");

        if (checkpoint.SavedEpoch == 0)
            throw new CliException($"no epoch improved {checkpoint.Monitor} (is it NaN?), so {run.CheckpointPath} was not written");
        // Report the test part with the model file the run kept, exactly as evaluate would load it.
        using var loaded = Checkpoint.Load(run.CheckpointPath, dev);
        var test = EvaluationReport.From(loaded.Model.Evaluate(data.Test), data.TestName, run.CheckpointPath);
        var best = history[checkpoint.SavedEpoch - 1];
        ErrorHandling.Info($"best epoch {best.Epoch} ({data.ValidationName} {best.ValidationAccuracy:P2}); {data.TestName} accuracy {test.Accuracy:P2}, "
            + $"balanced {test.BalancedAccuracy:P2}, macro-F1 {test.MacroF1:0.0000}");
        RunReport.Write(run.Path, new RunReport.Settings(spec.Name, dataPath, dev.Name, MachineInfo.Describe(), recipe,
            data.ValidationName), history, best.Epoch, test);
        // report.json last: it marks the run finished, so a run killed before it is resumed and writes every report again.
        run.WriteReport(new
        {
            model = spec.Name,
            data = dataPath,
            device = dev.Name,
            machine = MachineInfo.Describe(),
            date = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            epochs = history.Count,
            batch_size = a.BatchSize,
            optimizer = optimizer.Name,
            learning_rate = a.LearningRate ?? history[0].LearningRate,
            lr_schedule = a.Schedule,
            callbacks = settings,
            augmentation = a.Augmentation is { IsIdentity: false } ? a.Augmentation : null,
            l2 = a.L2,
            kernel_l2 = loss.KernelL2,
            class_weight = a.ClassWeight,
            class_weights = loss.ClassWeightByName,
            seed = a.Seed,
            train_images = train.Count,
            parameters = model.TotalParameterCount,
            best_epoch = best.Epoch,
            validation = data.ValidationName,
            validation_accuracy = best.ValidationAccuracy,
            public_test_accuracy = data.ValidationName == "public-test" ? best.ValidationAccuracy : (double?)null,
            test = test,
            private_test = data.TestName == "private-test" ? test : null,
            seconds_per_epoch = history.Average(h => h.Seconds),
            train_images_per_second = history.Average(h => h.ImagesPerSecond),
            // A resumed run adds the finished epochs' time from before the interruption.
            total_seconds = total.Elapsed.TotalSeconds + history.Take(fit.InitialEpoch).Sum(h => h.Seconds),
            resumed_after_epoch = a.Resume ? fit.InitialEpoch : (int?)null,
            history,
        });
        ErrorHandling.Info($"wrote {run.CheckpointPath}, {run.MetricsPath}, {run.ReportPath}, report.md and its two charts (PNG and SVG)");
        return 0;
    }

    // "val_accuracy" of FER-2013 reads "public-test accuracy"; training metrics keep their log names.
    private static string Display(string metric, string validationName) =>
        metric.StartsWith("val_", StringComparison.Ordinal) ? $"{validationName} {metric[4..].Replace('_', ' ')}" : metric;

    /// <summary>Tests only: cancels the run once epoch <paramref name="epoch"/>'s files are written, as a killed run would stop.</summary>
    private sealed class CancelAfterEpoch(int epoch, CancellationTokenSource source) : Callback
    {
        public override void OnEpochEnd(EpochStats logs)
        {
            if (logs.Epoch == epoch) source.Cancel();
        }
    }
}
