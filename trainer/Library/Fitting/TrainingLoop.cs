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
    /// <exception cref="TrainingException">Classes differ, the training set is empty, or there is not one class weight per class.</exception>
    /// <exception cref="ArgumentException">A class weight is negative, NaN or infinite, or the augmentation is invalid.</exception>
    public TrainingLoop(Sequential model, Optimizer optimizer, LabeledImageSet train, LabeledImageSet validation, FitOptions options)
    {
        if (train.Count == 0) throw new TrainingException("the training set is empty");
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
        return new EpochStats(epoch, lossSum / seen + penalty, (double)correct / seen, validation.MeanLoss, validation.Metrics.Accuracy,
            clock.Elapsed.TotalSeconds, seen / trainSeconds, _optimizer.LearningRate, penalty,
            validation.Metrics.BalancedAccuracy, validation.Metrics.MacroF1);
    }

    /// <summary>Frees reusable tensors (not the model or optimizer).</summary>
    public void Dispose()
    {
        _batches.Dispose();
        _loss.Dispose();
        _evaluator.Dispose();
    }
}
