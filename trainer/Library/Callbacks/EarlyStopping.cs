using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>EarlyStopping</c>: stops training once the monitored metric has not improved (by more
/// than <see cref="MinDelta"/>) for <see cref="Patience"/> epochs in a row; with
/// <see cref="RestoreBestWeights"/>, the model then gets back the weights (and BatchNormalization
/// statistics) of its best epoch, as Keras 2 does when it stops.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly Monitor _monitor;
    private Dictionary<string, float[]>? _bestWeights;

    /// <summary>Creates the callback (Keras' defaults: monitor val_loss, min_delta 0, patience 0, mode auto, no restore).</summary>
    /// <param name="monitor">A metric name of <see cref="EpochStats.MetricNames"/>.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement, ≥ 0, in the metric's units.</param>
    /// <param name="patience">Epochs without improvement after which training stops, ≥ 0 (0: the first epoch that does not improve).</param>
    /// <param name="mode">Whether higher or lower is better.</param>
    /// <param name="restoreBestWeights">On stopping, load the weights of the best epoch (kept in host memory, one copy of the model).</param>
    /// <exception cref="ArgumentException">Unknown metric, negative min_delta or patience.</exception>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false)
    {
        if (patience < 0) throw new ArgumentException($"patience must be >= 0, got {patience}");
        _monitor = new Monitor(monitor, mode, minDelta);
        Patience = patience;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>The monitored metric.</summary>
    public string Monitor => _monitor.Metric;
    /// <summary>Smallest improvement that counts.</summary>
    public double MinDelta => _monitor.MinDelta;
    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }
    /// <summary>Whether the best epoch's weights are restored on stopping.</summary>
    public bool RestoreBestWeights { get; }
    /// <summary>The epoch with the best value so far (0 before the first).</summary>
    public int BestEpoch { get; private set; }
    /// <summary>Epochs since the best one.</summary>
    public int Wait { get; private set; }
    /// <summary>The epoch after which training was stopped, or 0.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs)
    {
        Wait++;
        if (_monitor.Improves(_monitor.Value(logs)))
        {
            BestEpoch = logs.Epoch;
            Wait = 0;
            if (RestoreBestWeights) _bestWeights = Context.Model.Parameters.ToDictionary(p => p.FullName, p => HostFloats.Read(p.Value));
        }
        if (Wait < Patience || logs.Epoch <= 1) return;
        StoppedEpoch = logs.Epoch;
        Context.StopTraining = true;
    }

    /// <inheritdoc/>
    public override void OnTrainEnd()
    {
        if (StoppedEpoch == 0 || _bestWeights is null) return;
        foreach (var p in Context.Model.Parameters) p.Value.Device.Upload<float>(p.Value, _bestWeights[p.FullName]);
    }

    /// <inheritdoc/>
    public override object? SaveState() => new { best = _monitor.SavedBest, best_epoch = BestEpoch, wait = Wait, stopped_epoch = StoppedEpoch };

    /// <inheritdoc/>
    public override void RestoreState(JsonElement state)
    {
        _monitor.Restore(state.GetProperty("best"));
        BestEpoch = state.GetProperty("best_epoch").GetInt32();
        Wait = state.GetProperty("wait").GetInt32();
        StoppedEpoch = state.GetProperty("stopped_epoch").GetInt32();
        if (StoppedEpoch > 0) Context.StopTraining = true;
    }

    /// <inheritdoc/>
    public override IEnumerable<SafeTensor> SaveTensors() =>
        _bestWeights?.Select(w => SafeTensor.FromFloats(w.Key, [w.Value.Length], w.Value)) ?? [];

    /// <inheritdoc/>
    public override void RestoreTensors(IReadOnlyDictionary<string, SafeTensor> tensors)
    {
        if (!RestoreBestWeights || BestEpoch == 0) return;
        _bestWeights = [];
        foreach (var p in Context.Model.Parameters)
        {
            if (!tensors.TryGetValue(p.FullName, out var saved) || saved.Shape.Aggregate(1L, (a, b) => a * b) != p.Value.Length)
                throw new TrainingException($"the saved best weights of EarlyStopping lack '{p.FullName}' or have another size");
            _bestWeights[p.FullName] = saved.ToFloats();
        }
    }
}
