using System.Text.Json;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Training;

/// <summary>
/// What callbacks see of a running <see cref="ModelFitting.Fit"/> (Keras' <c>callback.model</c> and
/// <c>callback.params</c>): the model, the optimizer, the settings, the epochs finished so far, and the
/// switch that stops training.
/// </summary>
public sealed class FitContext
{
    private readonly List<EpochStats> _history = [];

    internal FitContext(Sequential model, FitOptions options, int batchesPerEpoch)
    {
        Model = model;
        Options = options;
        BatchesPerEpoch = batchesPerEpoch;
    }

    /// <summary>The model being trained.</summary>
    public Sequential Model { get; }
    /// <summary>The run's settings.</summary>
    public FitOptions Options { get; }
    /// <summary>The optimizer; callbacks may change its <see cref="Optimizer.LearningRate"/> between epochs.</summary>
    public Optimizer Optimizer => Options.Optimizer;
    /// <summary>Epochs of the whole run.</summary>
    public int Epochs => Options.Epochs;
    /// <summary>Training batches per epoch.</summary>
    public int BatchesPerEpoch { get; }
    /// <summary>Epochs finished before this call of Fit (restored by <see cref="BackupAndRestore"/>; 0 for a new run).</summary>
    public int InitialEpoch { get; private set; }
    /// <summary>Every finished epoch's metrics, epoch 1 first (restored ones included).</summary>
    public IReadOnlyList<EpochStats> History => _history;
    /// <summary>Set by a callback (e.g. <see cref="EarlyStopping"/>) to end training after the current epoch (Keras' <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    internal void Add(EpochStats epoch) => _history.Add(epoch);

    internal void Restore(IReadOnlyList<EpochStats> finished)
    {
        _history.Clear();
        _history.AddRange(finished);
        InitialEpoch = finished.Count;
    }

    /// <summary>
    /// The "training" metadata of a checkpoint written after <paramref name="epoch"/>: the caller's
    /// <see cref="FitOptions.RunInfo"/>, the epoch, its metrics that do not depend on timing, and
    /// <paramref name="extra"/>. One JSON object.
    /// </summary>
    public string TrainingState(EpochStats epoch, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var state = new Dictionary<string, object?>(Options.RunInfo) { ["epoch"] = epoch.Epoch, ["metrics"] = epoch.Deterministic() };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>()) state[key] = value;
        return JsonSerializer.Serialize(state, RunFolder.Json);
    }
}

/// <summary>What <see cref="ModelFitting.Fit"/> returns (Keras' <c>History</c>).</summary>
/// <param name="Epochs">Every finished epoch's metrics, epoch 1 first, those of a resumed run's earlier part included.</param>
/// <param name="InitialEpoch">Epochs finished before this call (a resumed run's), 0 for a new run.</param>
/// <param name="StoppedEarly">True when a callback stopped training before the last epoch.</param>
public sealed record History(IReadOnlyList<EpochStats> Epochs, int InitialEpoch, bool StoppedEarly);
