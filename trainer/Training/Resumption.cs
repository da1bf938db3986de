using System.Text.Json;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Trainer.Training;

/// <summary>
/// Continues an interrupted <c>nativecnn train</c> run from its folder's last.safetensors, so
/// that the resumed run is the run that would have happened without the interruption.
/// </summary>
/// <remarks>
/// Exactness follows from where the run's randomness lives: shuffling and augmentation are
/// seeded by (seed, epoch) and dropout by (seed, optimizer step), so restoring the weights, the
/// BatchNormalization moving statistics, the optimizer's moments and step count, and replaying
/// the learning-rate schedule over the finished epochs' validation losses (ReduceLROnPlateau's
/// state) leaves nothing else to restore.
/// </remarks>
public static class Resumption
{
    /// <summary>The training-state JSON stored in every checkpoint of a run.</summary>
    /// <param name="epoch">The epoch the weights are from.</param>
    /// <param name="runKey">Everything that shapes the run (model, data, recipe), compared on resume.</param>
    /// <param name="extra">Further fields to store (seed, validation accuracy, ...).</param>
    /// <returns>One JSON object.</returns>
    public static string State(int epoch, string runKey, IReadOnlyDictionary<string, object?> extra)
    {
        var state = new Dictionary<string, object?>(extra) { ["epoch"] = epoch, ["run"] = runKey };
        return JsonSerializer.Serialize(state, RunFolder.Json);
    }

    /// <summary>
    /// Restores the state after the last finished epoch into <paramref name="model"/> and
    /// <paramref name="optimizer"/>, replays <paramref name="schedule"/> over the finished epochs,
    /// and trims metrics.jsonl to them.
    /// </summary>
    /// <param name="run">The interrupted run's folder.</param>
    /// <param name="model">The model the command line built (same architecture).</param>
    /// <param name="optimizer">The optimizer the command line built (same kind).</param>
    /// <param name="schedule">The learning-rate schedule the command line built, not yet used.</param>
    /// <param name="runKey">The resumed command's run description; must equal the stored one.</param>
    /// <returns>The finished epochs' metrics, epoch 1 first.</returns>
    /// <exception cref="CliException">The options differ from the interrupted run's, or its files do not fit together.</exception>
    /// <exception cref="CheckpointFormatException">last.safetensors is damaged or of another architecture or optimizer.</exception>
    public static List<EpochStats> Restore(RunFolder run, Sequential model, Optimizer optimizer, LearningRateSchedule schedule, string runKey)
    {
        string path = run.LastCheckpointPath;
        var content = SafeTensorsFile.Read(path);
        using var state = JsonDocument.Parse(content.Metadata.GetValueOrDefault("training", "{}"));
        if (!state.RootElement.TryGetProperty("run", out var stored) || !state.RootElement.TryGetProperty("epoch", out var epochElement))
            throw new CliException($"{path}: holds no run description and epoch; it was not written by nativecnn train");
        if (stored.GetString() != runKey)
            throw new CliException($"{path}: the run was started as '{stored.GetString()}', and --resume needs the same options; this command is '{runKey}'");
        int lastEpoch = epochElement.GetInt32();
        Checkpoint.RestoreWeights(path, content, model);
        Checkpoint.RestoreOptimizer(path, content, model, optimizer);
        var history = run.KeepMetricsThrough(lastEpoch);
        foreach (EpochStats finished in history)
        {
            optimizer.LearningRate = schedule.RateFor(finished.Epoch, optimizer.LearningRate);
            schedule.Observe(finished.ValidationLoss);
        }
        return history;
    }
}
