using NativeCnn.Data;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Training;

/// <summary>Keras' <c>model.fit</c> for a <see cref="Sequential"/> model.</summary>
public static class ModelFitting
{
    /// <summary>
    /// Fails when training <paramref name="model"/> (built or not: nothing is allocated) with <paramref name="batchSize"/> images a step
    /// and <paramref name="optimizer"/> would need more memory than <see cref="MemoryBudget.Bytes"/>, counting the validation passes
    /// too (<see cref="ModelFootprint"/>). Fit checks it before its first step; call it earlier to fail before loading data.
    /// </summary>
    /// <exception cref="ModelFormatException">Over the budget, or a tensor would be too large; the message names the layer.</exception>
    public static void CheckMemory(Sequential model, int batchSize, Optimizer optimizer)
    {
        var footprint = ModelFootprint.Of(model);
        long budget = MemoryBudget.Bytes;
        footprint.CheckTraining(batchSize, optimizer.SlotsPerParameter, budget);
        footprint.CheckInference(Evaluator.DefaultBatchSize, budget);
    }

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/> for <see cref="FitOptions.Epochs"/> epochs:
    /// each epoch shuffles the images (seeded by the run seed and the epoch), augments them on a
    /// background thread when asked, and per batch runs the forward pass to logits, the fused softmax
    /// cross-entropy, the backward pass and an optimizer step; then it scores <paramref name="validation"/>
    /// in inference mode. Callbacks run around every batch and epoch (progress, checkpoints, early
    /// stopping, learning-rate changes, logs, backups).
    /// </summary>
    /// <param name="model">A built float32 model.</param>
    /// <param name="train">Training images [N, C, H, W] in [0, 1] of the model's input size, labelled with the model's classes.</param>
    /// <param name="validation">Images scored after every epoch (Keras' validation_data), same shape and classes.</param>
    /// <param name="options">Epochs, batch size, seed, optimizer, augmentation, class weights.</param>
    /// <param name="callbacks">Run in this order; a <see cref="BackupAndRestore"/> among them is restored first and backs up last.</param>
    /// <returns>Every epoch's metrics.</returns>
    /// <exception cref="ArgumentException">An option is out of range, or two BackupAndRestore callbacks are given.</exception>
    /// <exception cref="ModelFormatException">Training would need more memory than <see cref="MemoryBudget.Bytes"/> (see <see cref="CheckMemory"/>).</exception>
    /// <exception cref="TrainingException">The data's classes are not the model's, the training set is empty, or a run to resume does not fit.</exception>
    /// <exception cref="OperationCanceledException"><see cref="FitOptions.Cancellation"/> was cancelled.</exception>
    public static History Fit(this Sequential model, LabeledImageSet train, LabeledImageSet validation, FitOptions options,
        params IEnumerable<Callback> callbacks)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var list = callbacks.ToList();
        var backups = list.OfType<BackupAndRestore>().ToList();
        if (backups.Count > 1) throw new ArgumentException("a run has at most one BackupAndRestore");
        var others = list.Where(c => c is not BackupAndRestore).ToList();
        List<Callback> ordered = [.. others, .. backups];

        CheckMemory(model, options.BatchSize, options.Optimizer);
        using var loop = new TrainingLoop(model, options.Optimizer, train, validation, options);
        var context = new FitContext(model, options, loop.BatchesPerEpoch);
        foreach (var c in ordered) c.Attach(context);
        foreach (var b in backups) b.Restore(others);
        foreach (var c in ordered) c.OnTrainBegin();
        for (int epoch = context.InitialEpoch + 1; epoch <= options.Epochs && !context.StopTraining; epoch++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            foreach (var c in ordered) c.OnEpochBegin(epoch);
            var stats = loop.RunEpoch(epoch, p => { foreach (var c in ordered) c.OnBatchEnd(p); }, options.Cancellation);
            context.Add(stats);
            foreach (var c in ordered) c.OnEpochEnd(stats);
        }
        foreach (var c in ordered) c.OnTrainEnd();
        return new History([.. context.History], context.InitialEpoch, context.StopTraining);
    }
}
