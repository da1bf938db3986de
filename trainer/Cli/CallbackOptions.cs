using System.CommandLine;
using System.Globalization;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// The train options that configure the Keras-style callbacks: which metric model.safetensors is
/// chosen by, early stopping, ReduceLROnPlateau (<c>--lr-schedule plateau</c>) and a CSV log. The
/// defaults are the fixed behaviour of earlier versions: keep the best epoch by validation
/// accuracy; stop after <c>--early-stopping N</c> epochs without a better validation accuracy; halve
/// the learning rate after 3 epochs without a lower validation loss, down to 1e-6.
/// </summary>
internal sealed class CallbackOptions
{
    private static readonly string[] Modes = ["auto", "min", "max"];

    private readonly Option<string> _checkpointMonitor = Metric("--checkpoint-monitor", "Metric that chooses the epoch kept in model.safetensors", "val_accuracy");
    private readonly Option<string> _checkpointMode = Mode("--checkpoint-mode");
    private readonly Option<bool> _saveBestOnly = new("--save-best-only")
    { Description = "Write model.safetensors only when the monitored metric improves (false: after every epoch)", DefaultValueFactory = _ => true };
    private readonly Option<int> _earlyStopping = new("--early-stopping")
    { Description = "Stop after this many epochs without improvement of --early-stopping-monitor (0 = never)", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _earlyStoppingMonitor = Metric("--early-stopping-monitor", "Metric early stopping watches", "val_accuracy");
    private readonly Option<string> _earlyStoppingMode = Mode("--early-stopping-mode");
    private readonly Option<double> _earlyStoppingMinDelta = new("--early-stopping-min-delta")
    { Description = "Smallest change of the monitored metric that counts as an improvement", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _restoreBestWeights = new("--restore-best-weights")
    { Description = "When early stopping ends the run, give the model back the weights of its best epoch (last.safetensors then also holds them)" };
    private readonly Option<string> _plateauMonitor = Metric("--plateau-monitor", "Metric --lr-schedule plateau watches", "val_loss");
    private readonly Option<string> _plateauMode = Mode("--plateau-mode");
    private readonly Option<double> _plateauFactor = new("--plateau-factor")
    { Description = "--lr-schedule plateau: multiply the learning rate by this at a plateau", DefaultValueFactory = _ => 0.5 };
    private readonly Option<int> _plateauPatience = new("--plateau-patience")
    { Description = "--lr-schedule plateau: epochs without improvement before the learning rate is reduced", DefaultValueFactory = _ => 3 };
    private readonly Option<double> _plateauMinDelta = new("--plateau-min-delta")
    { Description = "--lr-schedule plateau: smallest change that counts as an improvement", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _plateauCooldown = new("--plateau-cooldown")
    { Description = "--lr-schedule plateau: Keras' cooldown (after a reduction, this many epochs minus one are not counted)", DefaultValueFactory = _ => 0 };
    private readonly Option<double> _plateauMinLr = new("--plateau-min-lr")
    { Description = "--lr-schedule plateau: the learning rate never goes below this", DefaultValueFactory = _ => 1e-6 };
    private readonly Option<string?> _csvLog = new("--csv-log") { Description = "Also write every epoch's metrics to this CSV file (Keras CSVLogger)" };

    /// <summary>The options, to add to the command.</summary>
    public IEnumerable<Option> All =>
    [
        _checkpointMonitor, _checkpointMode, _saveBestOnly, _earlyStopping, _earlyStoppingMonitor, _earlyStoppingMode, _earlyStoppingMinDelta,
        _restoreBestWeights, _plateauMonitor, _plateauMode, _plateauFactor, _plateauPatience, _plateauMinDelta, _plateauCooldown, _plateauMinLr, _csvLog,
    ];

    /// <summary>The values the command line gave.</summary>
    public CallbackSettings Read(ParseResult r) => new()
    {
        CheckpointMonitor = r.GetValue(_checkpointMonitor)!, CheckpointMode = ParseMode(r.GetValue(_checkpointMode)!),
        SaveBestOnly = r.GetValue(_saveBestOnly),
        EarlyStopping = r.GetValue(_earlyStopping), EarlyStoppingMonitor = r.GetValue(_earlyStoppingMonitor)!,
        EarlyStoppingMode = ParseMode(r.GetValue(_earlyStoppingMode)!), EarlyStoppingMinDelta = r.GetValue(_earlyStoppingMinDelta),
        RestoreBestWeights = r.GetValue(_restoreBestWeights),
        PlateauMonitor = r.GetValue(_plateauMonitor)!, PlateauMode = ParseMode(r.GetValue(_plateauMode)!), PlateauFactor = r.GetValue(_plateauFactor),
        PlateauPatience = r.GetValue(_plateauPatience), PlateauMinDelta = r.GetValue(_plateauMinDelta), PlateauCooldown = r.GetValue(_plateauCooldown),
        PlateauMinLearningRate = r.GetValue(_plateauMinLr), CsvLog = r.GetValue(_csvLog),
    };

    private static Option<string> Metric(string name, string description, string fallback)
    {
        var option = new Option<string>(name) { Description = $"{description}: {string.Join(", ", EpochStats.MetricNames)}", DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong([.. EpochStats.MetricNames]);
        return option;
    }

    private static Option<string> Mode(string name)
    {
        var option = new Option<string>(name) { Description = "auto (max for accuracies and F1, min for losses), min or max", DefaultValueFactory = _ => "auto" };
        option.AcceptOnlyFromAmong(Modes);
        return option;
    }

    private static MonitorMode ParseMode(string mode) => mode switch { "min" => MonitorMode.Min, "max" => MonitorMode.Max, _ => MonitorMode.Auto };
}

/// <summary>The callback settings of a train command; the defaults are the command line's.</summary>
public sealed record CallbackSettings
{
    /// <summary>Metric that chooses the epoch kept in model.safetensors.</summary>
    public string CheckpointMonitor { get; init; } = "val_accuracy";
    /// <summary>Its direction.</summary>
    public MonitorMode CheckpointMode { get; init; }
    /// <summary>Write model.safetensors only for improving epochs.</summary>
    public bool SaveBestOnly { get; init; } = true;
    /// <summary>Early-stopping patience in epochs; 0 turns early stopping off.</summary>
    public int EarlyStopping { get; init; }
    /// <summary>Metric early stopping watches.</summary>
    public string EarlyStoppingMonitor { get; init; } = "val_accuracy";
    /// <summary>Its direction.</summary>
    public MonitorMode EarlyStoppingMode { get; init; }
    /// <summary>Smallest improvement early stopping counts.</summary>
    public double EarlyStoppingMinDelta { get; init; }
    /// <summary>Restore the best epoch's weights when stopping early.</summary>
    public bool RestoreBestWeights { get; init; }
    /// <summary>Metric ReduceLROnPlateau watches.</summary>
    public string PlateauMonitor { get; init; } = "val_loss";
    /// <summary>Its direction.</summary>
    public MonitorMode PlateauMode { get; init; }
    /// <summary>Learning-rate factor at a plateau.</summary>
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Epochs without improvement before a reduction.</summary>
    public int PlateauPatience { get; init; } = 3;
    /// <summary>Smallest improvement ReduceLROnPlateau counts.</summary>
    public double PlateauMinDelta { get; init; }
    /// <summary>Keras' cooldown of ReduceLROnPlateau.</summary>
    public int PlateauCooldown { get; init; }
    /// <summary>Floor of the learning rate.</summary>
    public double PlateauMinLearningRate { get; init; } = 1e-6;
    /// <summary>CSV log file, or null.</summary>
    public string? CsvLog { get; init; }

    private static readonly CallbackSettings Defaults = new();

    /// <summary>Checks every value against the range Keras allows, naming the option (the callbacks check again when created).</summary>
    /// <exception cref="CliException">A value is out of range.</exception>
    public void Validate()
    {
        OptionChecks.Require(EarlyStopping >= 0, "--early-stopping", EarlyStopping, "a number of epochs >= 0 (0 = never)");
        OptionChecks.RequireFinite(EarlyStoppingMinDelta, "--early-stopping-min-delta");
        OptionChecks.Require(PlateauFactor is > 0 and < 1, "--plateau-factor", PlateauFactor, "in (0, 1)");
        OptionChecks.Require(PlateauPatience >= 0, "--plateau-patience", PlateauPatience, "a number of epochs >= 0");
        OptionChecks.RequireFinite(PlateauMinDelta, "--plateau-min-delta");
        OptionChecks.Require(PlateauCooldown >= 0, "--plateau-cooldown", PlateauCooldown, "a number of epochs >= 0");
        OptionChecks.RequireFinite(PlateauMinLearningRate, "--plateau-min-lr");
        if (CsvLog is not null && Directory.Exists(CsvLog))
            throw new CliException($"--csv-log {CsvLog} is a folder; expected the name of a CSV file");
    }

    /// <summary>The callbacks of a run, in the order they run: the model checkpoint, early stopping, the learning-rate
    /// schedule (ReduceLROnPlateau for "plateau", else a LearningRateScheduler), the CSV log.</summary>
    /// <param name="checkpoint">The run's model.safetensors writer (created by the caller, which reads it back).</param>
    /// <param name="schedule">--lr-schedule: constant, step, cosine or plateau.</param>
    /// <param name="learningRate">The base learning rate.</param>
    /// <param name="epochs">Epochs of the run.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public IEnumerable<Callback> Create(ModelCheckpoint checkpoint, string schedule, double learningRate, int epochs)
    {
        yield return checkpoint;
        if (EarlyStopping > 0)
            yield return new EarlyStopping(EarlyStoppingMonitor, EarlyStoppingMinDelta, EarlyStopping, EarlyStoppingMode, RestoreBestWeights);
        yield return schedule == "plateau"
            ? new ReduceLROnPlateau(PlateauMonitor, PlateauFactor, PlateauPatience, PlateauMode, PlateauMinDelta, PlateauCooldown, PlateauMinLearningRate)
            : new LearningRateScheduler(LearningRateSchedule.Create(schedule, learningRate, epochs));
        if (CsvLog != null) yield return new CsvLogger(CsvLog);
    }

    /// <summary>The model-file writer these settings ask for.</summary>
    public ModelCheckpoint Checkpoint(string path) => new(path, CheckpointMonitor, CheckpointMode, SaveBestOnly);

    /// <summary>
    /// The settings in the run's recipe text (which a resumed run must repeat): the schedule name, and
    /// every callback setting that differs from the default.
    /// </summary>
    public string Describe(string schedule)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (schedule == "plateau" && (PlateauMonitor, PlateauMode, PlateauFactor, PlateauPatience, PlateauMinDelta, PlateauCooldown, PlateauMinLearningRate)
                != (Defaults.PlateauMonitor, Defaults.PlateauMode, Defaults.PlateauFactor, Defaults.PlateauPatience, Defaults.PlateauMinDelta, Defaults.PlateauCooldown, Defaults.PlateauMinLearningRate))
            parts.Add(string.Create(inv, $"plateau on {PlateauMonitor} ({PlateauMode}) x{PlateauFactor} after {PlateauPatience}, min_delta {PlateauMinDelta}, cooldown {PlateauCooldown}, min lr {PlateauMinLearningRate}"));
        if (EarlyStopping > 0 && (EarlyStoppingMonitor, EarlyStoppingMode, EarlyStoppingMinDelta, RestoreBestWeights)
                != (Defaults.EarlyStoppingMonitor, Defaults.EarlyStoppingMode, Defaults.EarlyStoppingMinDelta, Defaults.RestoreBestWeights))
            parts.Add(string.Create(inv, $"early stopping on {EarlyStoppingMonitor} ({EarlyStoppingMode}), min_delta {EarlyStoppingMinDelta}{(RestoreBestWeights ? ", restoring the best weights" : "")}"));
        if ((CheckpointMonitor, CheckpointMode, SaveBestOnly) != (Defaults.CheckpointMonitor, Defaults.CheckpointMode, Defaults.SaveBestOnly))
            parts.Add($"model.safetensors {(SaveBestOnly ? $"by {CheckpointMonitor} ({CheckpointMode})" : "after every epoch")}");
        return string.Join(", ", parts);
    }
}
