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
public sealed record TrainingOptions(int BatchSize, ulong Seed, AugmentationOptions? Augmentation = null);

/// <summary>Live numbers after each batch, for progress display.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch, 0..1.</param>
/// <param name="ImagesPerSecond">Training throughput so far this epoch.</param>
/// <param name="Remaining">Estimated time left in this epoch's training pass.</param>
public sealed record BatchProgress(int Epoch, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, TimeSpan Remaining);

/// <summary>One epoch's results (a line of metrics.jsonl).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss (with dropout active), nats.</param>
/// <param name="TrainAccuracy">Training accuracy during the epoch, 0..1.</param>
/// <param name="ValidationLoss">Mean loss on the validation set (PublicTest) at the end of the epoch.</param>
/// <param name="ValidationAccuracy">Validation accuracy, 0..1.</param>
/// <param name="Seconds">Wall time of the epoch, training and validation.</param>
/// <param name="ImagesPerSecond">Training images per second.</param>
/// <param name="LearningRate">Learning rate used.</param>
public sealed record EpochStats(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double Seconds, double ImagesPerSecond, double LearningRate);

/// <summary>
/// The training loop: shuffled batches from a background prefetcher, forward to logits, fused
/// softmax cross-entropy, backward, optimizer step; then validation. Tensors are reused
/// across steps, so a step allocates nothing once the first epoch has run.
/// </summary>
public sealed class TrainingLoop : IDisposable
{
    private readonly Sequential _model;
    private readonly Optimizer _optimizer;
    private readonly LabeledImageSet _train, _validation;
    private readonly TrainingOptions _options;
    private readonly BatchSampler _sampler;
    private readonly BatchTensors _tensors;
    private readonly SoftmaxCrossEntropyLoss _loss = new();
    private readonly Evaluator _evaluator;
    private readonly ImageAugmenter? _augmenter;

    /// <summary>Prepares a run; the model's classes must match the data's.</summary>
    /// <exception cref="CliException">Classes differ, or the batch size is not positive.</exception>
    public TrainingLoop(Sequential model, Optimizer optimizer, LabeledImageSet train, LabeledImageSet validation, TrainingOptions options)
    {
        if (options.BatchSize <= 0) throw new CliException($"--batch-size must be positive, got {options.BatchSize}");
        if (train.Count == 0) throw new CliException("the training set is empty");
        Evaluator.CheckClasses(model, train);
        _model = model;
        _optimizer = optimizer;
        _train = train;
        _validation = validation;
        _options = options;
        _sampler = new BatchSampler(train.Count, options.BatchSize, unchecked((int)options.Seed));
        _tensors = new BatchTensors(model.Device, model.InputShape);
        _evaluator = new Evaluator(model);
        if (options.Augmentation is { IsIdentity: false } augmentation)
        {
            augmentation.Validate();
            _augmenter = new ImageAugmenter(augmentation, options.Seed);
        }
    }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => _sampler.BatchesPerEpoch;

    /// <summary>Trains one epoch (1-based), then evaluates on the validation set.</summary>
    public EpochStats RunEpoch(int epoch, Action<BatchProgress>? onBatch = null)
    {
        var clock = Stopwatch.StartNew();
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
                onBatch?.Invoke(new BatchProgress(epoch, done, BatchesPerEpoch, lossSum / seen, (double)correct / seen, rate,
                    TimeSpan.FromSeconds((_sampler.SamplesPerEpoch - seen) / rate)));
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var validation = _evaluator.Evaluate(_validation);
        return new EpochStats(epoch, lossSum / seen, (double)correct / seen, validation.MeanLoss, validation.Metrics.Accuracy,
            clock.Elapsed.TotalSeconds, seen / trainSeconds, _optimizer.LearningRate);
    }

    /// <summary>Frees reusable tensors (not the model or optimizer).</summary>
    public void Dispose()
    {
        _tensors.Dispose();
        _loss.Dispose();
        _evaluator.Dispose();
    }
}
