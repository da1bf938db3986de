using System.Text.Json;

namespace NativeCnn.Training;

/// <summary>Which direction of a monitored metric is better (Keras' <c>mode</c>).</summary>
public enum MonitorMode
{
    /// <summary>Max for accuracies and F1 (names containing "acc" or "f1"), min for everything else (losses), as Keras infers it.</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// A metric watched for improvement, the rule Keras' ModelCheckpoint, EarlyStopping and
/// ReduceLROnPlateau share: a value improves on the best so far when it is better by more than
/// <c>minDelta</c> (current − minDelta &gt; best for max, current + minDelta &lt; best for min).
/// </summary>
internal sealed class Monitor
{
    /// <summary>Creates a monitor with no best value yet (the first epoch always improves).</summary>
    /// <exception cref="ArgumentException">Unknown metric, or a negative / non-finite minDelta.</exception>
    public Monitor(string metric, MonitorMode mode, double minDelta)
    {
        EpochStats.CheckMetric(metric);
        if (!(minDelta >= 0) || double.IsInfinity(minDelta)) throw new ArgumentException($"min_delta must be a finite number >= 0, got {minDelta}");
        Metric = metric;
        Maximise = mode == MonitorMode.Max || (mode == MonitorMode.Auto && (metric.Contains("acc") || metric.Contains("f1")));
        MinDelta = minDelta;
        Best = Maximise ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The metric's log name.</summary>
    public string Metric { get; }
    /// <summary>Whether higher is better.</summary>
    public bool Maximise { get; }
    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }
    /// <summary>The best value seen (±∞ before the first epoch).</summary>
    public double Best { get; private set; }

    /// <summary>The metric's value in <paramref name="logs"/>.</summary>
    public double Value(EpochStats logs) => logs.Metric(Metric);

    /// <summary>True when <paramref name="current"/> improves on <see cref="Best"/>; then it becomes the best.</summary>
    public bool Improves(double current)
    {
        bool better = Maximise ? current - MinDelta > Best : current + MinDelta < Best;
        if (better) Best = current;
        return better;
    }

    /// <summary>The best value for a callback's saved state (JSON has no infinity: null before the first epoch).</summary>
    public double? SavedBest => double.IsInfinity(Best) ? null : Best;

    /// <summary>Restores <see cref="SavedBest"/> from a saved state's property.</summary>
    public void Restore(JsonElement best)
    {
        if (best.ValueKind == JsonValueKind.Number) Best = best.GetDouble();
    }
}
