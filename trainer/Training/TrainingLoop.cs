using System.Diagnostics;
using NativeCnn.Data;
using NativeCnn.Data.Augmentation;
using NativeCnn.Data.Batching;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Trainer.Training;

/// <summary>Hyper-parameters of a training run.</summary>
/// <param name="BatchSize">Images per optimizer step.</param>
/// <param name="Seed">Seeds weight initialisation, shuffling, dropout and augmentation.</param>
/// <param name="Augmentation">Keras ImageDataGenerator-style random transforms of training images, or null for none.</param>
/// <param name="ClassWeight">Keras <c>fit(class_weight=...)</c>: one loss weight per class id, applied to the training
/// loss only (validation loss and every accuracy stay unweighted, as in Keras), or null for none.</param>
public sealed record TrainingOptions(int BatchSize, ulong Seed, AugmentationOptions? Augmentation = null, IReadOnlyList<double>? ClassWeight = null);

/// <summary>Live numbers after each batch, for progress display.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch, plus the L2 penalty measured at the start of the epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch, 0..1.</param>
/// <param name="ImagesPerSecond">Training throughput so far this epoch.</param>
/// <param name="Remaining">Estimated time left in this epoch's training pass.</param>
public sealed record BatchProgress(int Epoch, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, TimeSpan Remaining);

/// <summary>One epoch's results (a line of metrics.jsonl).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss (with dropout active, class-weighted when class weights are set), nats,
/// plus <paramref name="RegularizationLoss"/>, as Keras reports it.</param>
/// <param name="TrainAccuracy">Training accuracy during the epoch, 0..1.</param>
/// <param name="ValidationLoss">Mean loss on the validation set (PublicTest) at the end of the epoch: the plain cross-entropy,
/// without class weights (Keras applies class_weight to training only) and without the L2 penalty.</param>
/// <param name="ValidationAccuracy">Validation accuracy, 0..1.</param>
/// <param name="Seconds">Wall time of the epoch, training and validation.</param>
/// <param name="ImagesPerSecond">Training images per second.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="RegularizationLoss">The L2 penalty Σ λ·Σw² included in <paramref name="TrainLoss"/>, measured on the
/// weights at the end of the epoch's training pass (0 without kernel regularizers); not in the validation loss.</param>
public sealed record EpochStats(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double Seconds, double ImagesPerSecond, double LearningRate, double RegularizationLoss = 0);

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
public sealed class TrainingLoop : IDisposable
{
    private readonly Sequential _model;
    private readonly Optimizer _optimizer;
    private readonly LabeledImageSet _train, _validation;
    private readonly TrainingOptions _options;
    private readonly BatchSampler _sampler;
    private readonly BatchTensors _tensors;
    private readonly SoftmaxCrossEntropyLoss _loss;
    private readonly Evaluator _evaluator;
    private readonly ImageAugmenter? _augmenter;

    /// <summary>Prepares a run; the model's classes must match the data's.</summary>
    /// <exception cref="CliException">Classes differ, the batch size is not positive, or there is not one class weight per class.</exception>
    /// <exception cref="ArgumentException">A class weight is negative, NaN or infinite.</exception>
    public TrainingLoop(Sequential model, Optimizer optimizer, LabeledImageSet train, LabeledImageSet validation, TrainingOptions options)
    {
        if (options.BatchSize <= 0) throw new CliException($"--batch-size must be positive, got {options.BatchSize}");
        if (train.Count == 0) throw new CliException("the training set is empty");
        Evaluator.CheckClasses(model, train);
        CheckClassWeight(options.ClassWeight, model.ClassCount);
        _model = model;
        _optimizer = optimizer;
        _train = train;
        _validation = validation;
        _options = options;
        _sampler = new BatchSampler(train.Count, options.BatchSize, unchecked((int)options.Seed));
        _tensors = new BatchTensors(model.Device, model.InputShape);
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
            throw new CliException($"{classWeight.Count} class weights for a model with {classes} classes");
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => _sampler.BatchesPerEpoch;

    /// <summary>Trains one epoch (1-based), then evaluates on the validation set.</summary>
    public EpochStats RunEpoch(int epoch, Action<BatchProgress>? onBatch = null)
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
            foreach (var batch in prefetcher)
            {
                var (x, y) = _tensors.For(batch.Count);
                _model.Device.Upload<float>(x, batch.Pixels);
                _model.Device.Upload<int>(y, batch.Labels);
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
            clock.Elapsed.TotalSeconds, seen / trainSeconds, _optimizer.LearningRate, penalty);
    }

    /// <summary>Frees reusable tensors (not the model or optimizer).</summary>
    public void Dispose()
    {
        _tensors.Dispose();
        _loss.Dispose();
        _evaluator.Dispose();
    }
}
