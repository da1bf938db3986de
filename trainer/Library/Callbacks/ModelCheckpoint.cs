using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>ModelCheckpoint</c>: after each epoch, writes the model file (<see cref="Checkpoint.Save"/>
/// without optimizer: architecture, weights and BatchNormalization statistics, what evaluate, predict
/// and export need) to <see cref="Path"/>, atomically; with <c>saveBestOnly</c>, only when the monitored
/// metric improved on the best so far.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly Monitor _monitor;

    /// <summary>Creates the callback (Keras' defaults: monitor val_loss, mode auto, save_best_only false).</summary>
    /// <param name="path">The model file, e.g. runs/x/model.safetensors; its folder must exist.</param>
    /// <param name="monitor">A metric name of <see cref="EpochStats.MetricNames"/>.</param>
    /// <param name="mode">Whether higher or lower is better.</param>
    /// <param name="saveBestOnly">Write only when the metric improves (strictly) on the best epoch so far.</param>
    /// <exception cref="ArgumentException">Unknown metric.</exception>
    public ModelCheckpoint(string path, string monitor = "val_loss", MonitorMode mode = MonitorMode.Auto, bool saveBestOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _monitor = new Monitor(monitor, mode, minDelta: 0);
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <summary>The monitored metric.</summary>
    public string Monitor => _monitor.Metric;
    /// <summary>Whether only improving epochs are written.</summary>
    public bool SaveBestOnly { get; }
    /// <summary>The epoch whose model the file holds (0 before any was written).</summary>
    public int SavedEpoch { get; private set; }
    /// <summary>True when the epoch just ended was written (read it in a later callback's <see cref="Callback.OnEpochEnd"/>).</summary>
    public bool SavedThisEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs)
    {
        double value = _monitor.Value(logs);
        SavedThisEpoch = _monitor.Improves(value) || !SaveBestOnly;
        if (!SavedThisEpoch) return;
        Checkpoint.Save(Path, Context.Model, optimizer: null, Context.TrainingState(logs));
        SavedEpoch = logs.Epoch;
    }

    /// <inheritdoc/>
    public override object? SaveState() => new { best = _monitor.SavedBest, saved_epoch = SavedEpoch };

    /// <inheritdoc/>
    public override void RestoreState(JsonElement state)
    {
        _monitor.Restore(state.GetProperty("best"));
        SavedEpoch = state.GetProperty("saved_epoch").GetInt32();
    }
}
