using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>BackupAndRestore</c> for a <see cref="RunFolder"/>: after every epoch it appends the
/// epoch's metrics to metrics.jsonl and writes last.safetensors, the whole state of the run (weights,
/// BatchNormalization statistics, the optimizer's moments, step and learning rate, and every other
/// callback's state); a run folder opened to resume is restored from it before training starts, so
/// that the resumed run is the run that would have happened without the interruption.
/// </summary>
/// <remarks>
/// Exactness follows from where the run's randomness lives: shuffling and augmentation are seeded by
/// (seed, epoch) and dropout by (seed, optimizer step), so restoring the weights, the moving statistics,
/// the optimizer and the callbacks' best values and counters leaves nothing else to restore. Fit
/// restores this callback before any other starts and runs its epoch end after every other callback's,
/// so the backup holds their state at the end of the epoch. An epoch whose metrics line was written but
/// whose last.safetensors was not is run again.
/// </remarks>
/// <param name="run">The run folder (opened with resume to continue it).</param>
/// <param name="runDescription">Everything that shapes the run (model, data, recipe); a resumed run must give the same text.</param>
public sealed class BackupAndRestore(RunFolder run, string runDescription) : Callback
{
    private IReadOnlyList<Callback> _others = [];

    /// <summary>The run folder.</summary>
    public RunFolder Run { get; } = run;

    /// <summary>The run's description, stored in last.safetensors and compared on resume.</summary>
    public string RunDescription { get; } = runDescription;

    /// <summary>
    /// Called by Fit first: a new run starts its folder (<see cref="RunFolder.Start"/>); a resumed one is restored into the model,
    /// the optimizer, <paramref name="others"/> and the context.
    /// </summary>
    /// <exception cref="TrainingException">The run was started with another description, or its files do not fit together.</exception>
    /// <exception cref="CheckpointFormatException">last.safetensors is damaged, of another architecture or optimizer, or its "training" or
    /// "optimizer" metadata is malformed or out of range (the message names the file and the key).</exception>
    internal void Restore(IReadOnlyList<Callback> others)
    {
        _others = others;
        if (!Run.Resume)
        {
            Run.Start();
            return;
        }
        string path = Run.LastCheckpointPath;
        var content = SafeTensorsFile.Read(path);
        var state = MetadataJson.Parse(path, content, "training");
        string stored = state.String("run");
        if (stored != RunDescription)
            throw new TrainingException($"{path}: the run was started as '{stored}', and resuming needs the same options; this run is '{RunDescription}'");
        int lastEpoch = (int)state.Integer("epoch", min: 1, max: Context.Epochs);
        double rate = state.Number("learning_rate");
        var callbacks = state.Object("callbacks");
        Checkpoint.RestoreWeights(path, content, Context.Model);
        Checkpoint.RestoreOptimizer(path, content, Context.Model, Context.Optimizer);
        Context.Optimizer.LearningRate = rate;
        foreach (var (key, callback) in Keyed(others))
        {
            if (!callbacks.Has(key))
                throw new TrainingException($"{path}: holds no state of the callback {key}; resuming needs the callbacks the run was started with");
            var saved = callbacks.Get(key);
            try
            {
                callback.RestoreState(saved);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or JsonException)
            {
                throw callbacks.Wrong(key, $"is not the state {callback.GetType().Name} saves ({ErrorText.OneLine(e.Message)})", saved);
            }
            string prefix = TensorPrefix(key);
            callback.RestoreTensors(content.Tensors.Values.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(t => t.Name[prefix.Length..], t => t));
        }
        Context.Restore(Run.KeepMetricsThrough(lastEpoch));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(EpochStats logs)
    {
        Run.AppendMetrics(logs);
        var keyed = Keyed(_others).ToList();
        var callbacks = keyed.ToDictionary(k => k.Key, k => k.Callback.SaveState());
        string state = Context.TrainingState(logs, new Dictionary<string, object?>
        {
            ["run"] = RunDescription, ["learning_rate"] = Context.Optimizer.LearningRate, ["callbacks"] = callbacks,
        });
        var tensors = keyed.SelectMany(k => k.Callback.SaveTensors()
            .Select(t => new SafeTensor(TensorPrefix(k.Key) + t.Name, t.DType, [.. t.Shape], t.Data.ToArray())));
        Checkpoint.Save(Run.LastCheckpointPath, Context.Model, Context.Optimizer, state, tensors);
    }

    // Callbacks are told apart by type and position among their type: EarlyStopping, ModelCheckpoint, ModelCheckpoint_2, ...
    private static IEnumerable<(string Key, Callback Callback)> Keyed(IReadOnlyList<Callback> callbacks) =>
        callbacks.Select((c, i) => (c, n: callbacks.Take(i).Count(o => o.GetType() == c.GetType())))
            .Select(p => (p.n == 0 ? p.c.GetType().Name : $"{p.c.GetType().Name}_{p.n + 1}", p.c));

    private static string TensorPrefix(string key) => $"callbacks.{key}.";
}
