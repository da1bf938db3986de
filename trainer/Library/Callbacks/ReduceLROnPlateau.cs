using System.Text.Json;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>ReduceLROnPlateau</c>: when the monitored metric has not improved (by more than
/// <c>minDelta</c>) for <see cref="Patience"/> epochs, multiplies the optimizer's learning rate by
/// <see cref="Factor"/>, never below <see cref="MinLearningRate"/>, then lets <see cref="Cooldown"/> − 1
/// epochs go uncounted (Keras counts the cooldown down before it compares, so cooldown 1 skips none).
/// The new rate applies from the next epoch.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly Monitor _monitor;
    private int _wait, _cooldownLeft;

    /// <summary>Creates the callback (Keras' defaults: monitor val_loss, factor 0.1, patience 10, mode auto, min_delta 1e-4, cooldown 0, min_lr 0).</summary>
    /// <param name="monitor">A metric name of <see cref="EpochStats.MetricNames"/>.</param>
    /// <param name="factor">New rate = rate · factor, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement before a reduction, ≥ 0.</param>
    /// <param name="mode">Whether higher or lower is better.</param>
    /// <param name="minDelta">Smallest change that counts as an improvement, ≥ 0.</param>
    /// <param name="cooldown">Keras' cooldown, ≥ 0: after a reduction, cooldown − 1 epochs are not counted.</param>
    /// <param name="minLearningRate">Floor of the learning rate, ≥ 0.</param>
    /// <exception cref="ArgumentException">A value is out of range or the metric unknown.</exception>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, MonitorMode mode = MonitorMode.Auto,
        double minDelta = 1e-4, int cooldown = 0, double minLearningRate = 0)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentException($"factor must be in (0, 1), got {factor}");
        if (patience < 0) throw new ArgumentException($"patience must be >= 0, got {patience}");
        if (cooldown < 0) throw new ArgumentException($"cooldown must be >= 0, got {cooldown}");
        if (!(minLearningRate >= 0)) throw new ArgumentException($"min_lr must be >= 0, got {minLearningRate}");
        _monitor = new Monitor(monitor, mode, minDelta);
        Factor = factor;
        Patience = patience;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
    }

    /// <summary>The monitored metric.</summary>
    public string Monitor => _monitor.Metric;
    /// <summary>Multiplier of the learning rate at a plateau.</summary>
    public double Factor { get; }
    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }
    /// <summary>Keras' cooldown: after a reduction, this many epochs minus one are not counted.</summary>
    public int Cooldown { get; }
    /// <summary>Floor of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs)
    {
        // Keras' order: a cooldown epoch first counts down (and clears the wait), then the metric is compared.
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _wait = 0;
        }
        if (_monitor.Improves(_monitor.Value(logs)))
        {
            _wait = 0;
            return;
        }
        if (_cooldownLeft > 0 || ++_wait < Patience) return;
        var optimizer = Context.Optimizer;
        // Keras compares with the floor in float32, the type its learning-rate variable has.
        if (optimizer.LearningRate > (float)MinLearningRate)
        {
            optimizer.LearningRate = Math.Max(optimizer.LearningRate * Factor, MinLearningRate);
            _cooldownLeft = Cooldown;
            _wait = 0;
        }
    }

    /// <inheritdoc/>
    public override object? SaveState() => new { best = _monitor.SavedBest, wait = _wait, cooldown = _cooldownLeft };

    /// <inheritdoc/>
    public override void RestoreState(JsonElement state)
    {
        _monitor.Restore(state.GetProperty("best"));
        _wait = state.GetProperty("wait").GetInt32();
        _cooldownLeft = state.GetProperty("cooldown").GetInt32();
    }
}
