using System.Diagnostics;
using NativeCnn.Data;
using NativeCnn.Data.Augmentation;
using NativeCnn.Data.Batching;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Training;

/// <summary>
/// The training loop: shuffled batches from a background prefetcher, forward to logits, fused
/// softmax cross-entropy, backward, optimizer step; then validation. Tensors are reused
/// across steps, so a step allocates nothing once the first epoch has run.
/// </summary>
/// <remarks>
/// Kernel L2 penalties (the layers' regularizers) enter every step's gradient inside the layers'
/// backward passes, on the device. Their value is needed only for the reported loss, so it is
/// measured twice per epoch rather than every step (where it would cost a reduction over every
/// kernel and, on a GPU, a read-back per kernel). The epoch's training loss is the mean batch
/// cross-entropy plus the penalty at the end of the epoch (the weights that are validated and
/// saved); Keras adds each batch's own penalty instead, which differs by however much the penalty
/// moved during the epoch. The progress line uses the penalty at the start of the epoch.
/// </remarks>
internal sealed class TrainingLoop : IDisposable
{
    private readonly Sequential _model;
    private readonly Optimizer _optimizer;
    private readonly LabeledImageSet _train, _validation;
    private readonly FitOptions _options;
    private readonly BatchSampler _sampler;
    private readonly DeviceBatches _batches;
    private readonly SoftmaxCrossEntropyLoss _loss;
    private readonly Evaluator _evaluator;
    private readonly ImageAugmenter? _augmenter;

    /// <summary>Prepares a run; the model's classes must match the data's.</summary>
    /// <exception cref="TrainingException">Classes differ, the training or validation set is empty, or there is not one class weight per class.</exception>
    /// <exception cref="ArgumentException">A class weight is negative, NaN or infinite, or the augmentation is invalid.</exception>
    public TrainingLoop(Sequential model, Optimizer optimizer, LabeledImageSet train, LabeledImageSet validation, FitOptions options)
    {
        if (train.Count == 0) throw new TrainingException("the training set is empty");
        // Checked before the first epoch: with no validation images every validation metric is undefined.
        if (validation.Count == 0) throw new TrainingException("the validation set is empty: the best epoch is chosen by validation images, and there are none");
        Evaluator.CheckClasses(model, train);
        CheckClassWeight(options.ClassWeight, model.ClassCount);
        _model = model;
        _optimizer = optimizer;
        _train = train;
        _validation = validation;
        _options = options;
        _sampler = new BatchSampler(train.Count, options.BatchSize, unchecked((int)options.Seed));
        _batches = new DeviceBatches(model.Device, model.InputShape);
        _loss = new SoftmaxCrossEntropyLoss(options.ClassWeight);
        _evaluator = new Evaluator(model);
        if (options.Augmentation is { IsIdentity: false } augmentation)
        {
            augmentation.Validate();
            _augmenter = new ImageAugmenter(augmentation, options.Seed);
        }
    }

    // Checked here, not at the first batch: the loss learns K only from the logits.
    private static void CheckClassWeight(IReadOnlyList<double>? classWeight, int classes)
    {
        if (classWeight != null && classWeight.Count != classes)
            throw new TrainingException($"{classWeight.Count} class weights for a model with {classes} classes");
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => _sampler.BatchesPerEpoch;

    /// <summary>Trains one epoch (1-based), then evaluates on the validation set.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled; checked before every batch.</exception>
    /// <exception cref="TrainingException">The training loss of a batch or the validation loss at the end is NaN, infinite or above
    /// <see cref="DivergedLoss"/>, or the L2 penalty is not finite (the run diverged); the message names the epoch and batch.</exception>
    public EpochStats RunEpoch(int epoch, Action<BatchProgress>? onBatch = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        double startPenalty = _model.RegularizationLoss();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int done = 0;
        // Augmentation runs on the prefetch thread, overlapping the previous batch's math.
        var transform = _augmenter?.ForEpoch(epoch - 1, _train.Channels, _train.Height, _train.Width);
        using (var prefetcher = new Prefetcher(_train, _sampler, epoch - 1, transform: transform))
        {
            foreach (var batch in _batches.Of(prefetcher))
            {
                cancellation.ThrowIfCancellationRequested();
                var (x, y) = (batch.X, batch.Y);
                var context = new ForwardContext(Training: true, Seed: _options.Seed, Step: (ulong)_optimizer.Iterations);
                var logits = _model.ForwardLogits(x, context);
                var result = _loss.Compute(logits, y, computeGradient: true);
                // The loss is read back anyway, so checking it costs nothing.
                if (HasDiverged(result.MeanLoss)) throw Diverged(epoch, $"batch {done + 1}/{BatchesPerEpoch}", "training loss", result.MeanLoss);
                _model.Backward(_loss.Gradient);
                _optimizer.Step(_model.Parameters);

                lossSum += result.MeanLoss * batch.Count;
                correct += result.Correct;
                seen += batch.Count;
                done++;
                double rate = seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                onBatch?.Invoke(new BatchProgress(epoch, done, BatchesPerEpoch, lossSum / seen + startPenalty, (double)correct / seen, rate,
                    TimeSpan.FromSeconds((_sampler.SamplesPerEpoch - seen) / rate)));
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        double penalty = _model.RegularizationLoss();
        var validation = _evaluator.Evaluate(_validation);
        if (!double.IsFinite(penalty)) throw Diverged(epoch, "its end", "L2 penalty", penalty);
        if (HasDiverged(validation.MeanLoss)) throw Diverged(epoch, "its end", "validation loss", validation.MeanLoss);
        return new EpochStats(epoch, lossSum / seen + penalty, (double)correct / seen, validation.MeanLoss, validation.Metrics.Accuracy,
            clock.Elapsed.TotalSeconds, seen / trainSeconds, _optimizer.LearningRate, penalty,
            validation.Metrics.BalancedAccuracy, validation.Metrics.MacroF1);
    }

    /// <summary>
    /// A mean cross-entropy (nats) above which a run counts as diverged: 10^4. Such a loss gives the true class a probability
    /// of e^-10000 on average, far below the smallest float32 (about e^-103), so the logits have blown up; a model that is merely
    /// bad, even confidently wrong, stays orders of magnitude below it.
    /// </summary>
    internal const double DivergedLoss = 1e4;

    private static bool HasDiverged(double loss) => !double.IsFinite(loss) || loss > DivergedLoss;

    // Stopping at once keeps the files of the last finished epoch (model.safetensors, last.safetensors, metrics.jsonl) as they were.
    private TrainingException Diverged(int epoch, string where, string what, double value) =>
        new($"training diverged in epoch {epoch} at {where}: the {what} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}. "
            + $"The learning rate ({_optimizer.LearningRate.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}) is probably too high: "
            + "start a new run with a lower one (--lr). The files of the last finished epoch are kept as they were");

    /// <summary>Frees reusable tensors (not the model or optimizer).</summary>
    public void Dispose()
    {
        _batches.Dispose();
        _loss.Dispose();
        _evaluator.Dispose();
    }
}
