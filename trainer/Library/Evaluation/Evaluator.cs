using NativeCnn.Data;
using NativeCnn.Data.Augmentation;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Metrics;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Training;

/// <summary>Loss, predictions and classification metrics of a model on a labelled set.</summary>
/// <param name="MeanLoss">Mean cross-entropy, nats.</param>
/// <param name="Predictions">Arg-max class per sample.</param>
/// <param name="Metrics">Accuracy, balanced accuracy, macro-F1, per-class scores, confusion matrix.</param>
public sealed record EvaluationResult(double MeanLoss, int[] Predictions, ClassificationMetrics Metrics);

/// <summary>Test-time augmentation: which variants of each image are averaged.</summary>
public enum TestTimeAugmentationMode
{
    /// <summary>The image as it is.</summary>
    None,
    /// <summary>The image and its mirror image (2 views).</summary>
    Flip,
    /// <summary>Four corner crops and the centre crop, each also mirrored (10 views), crop size 11/12 of the image.</summary>
    TenCrop,
}

/// <summary>
/// Runs a model in inference mode (moving statistics, no dropout) over a data set in batches; its
/// input and logit buffers are reused from call to call (the training loop validates with one every
/// epoch). <see cref="ModelEvaluation.Evaluate"/> is the one-call form.
/// </summary>
/// <param name="model">A built model; the data must have its classes.</param>
/// <param name="batchSize">Images per forward pass.</param>
public sealed class Evaluator(Sequential model, int batchSize = Evaluator.DefaultBatchSize) : IDisposable
{
    /// <summary>Images per forward pass unless given: 256.</summary>
    public const int DefaultBatchSize = 256;

    private readonly BatchTensors _tensors = new(model.Device, model.InputShape);
    private readonly SoftmaxCrossEntropyLoss _loss = new();
    private bool _checked;

    // Before the first batch allocates activations: the model at this batch size must fit the memory budget.
    private void CheckMemory()
    {
        if (_checked) return;
        ModelFootprint.Of(model).CheckInference(batchSize, MemoryBudget.Bytes);
        _checked = true;
    }

    /// <summary>Evaluates every sample of <paramref name="data"/> once, in order.</summary>
    /// <exception cref="TrainingException">The data's classes are not the model's, it holds no image, or the loss is not finite.</exception>
    /// <exception cref="ModelFormatException">The model at this batch size would exceed the memory budget.</exception>
    public EvaluationResult Evaluate(LabeledImageSet data)
    {
        CheckData(model, data);
        CheckMemory();
        var predictions = new int[data.Count];
        double lossSum = 0;
        var logitsHost = new float[batchSize * model.ClassCount];
        var images = new float[batchSize * data.SampleSize];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            var (x, y) = _tensors.For(count);
            data.CopyUnitFloats(start, count, images);
            model.Device.Upload<float>(x, images.AsSpan(0, count * data.SampleSize));
            model.Device.Upload<int>(y, data.Labels.AsSpan(start, count));
            var logits = model.ForwardLogits(x, ForwardContext.Inference);
            lossSum += _loss.Compute(logits, y, computeGradient: false).MeanLoss * count;
            var host = logitsHost.AsSpan(0, count * model.ClassCount);
            model.Device.Download<float>(logits, host);
            for (int i = 0; i < count; i++) predictions[start + i] = ArgMax(host.Slice(i * model.ClassCount, model.ClassCount));
        }
        return Result(data, predictions, lossSum);
    }

    /// <summary>
    /// Evaluates with test-time augmentation: the softmax probabilities of each image's views
    /// are averaged, the prediction is their arg-max and the loss is -log of the averaged
    /// probability of the true class.
    /// </summary>
    /// <exception cref="TrainingException">The data's classes are not the model's, it holds no image, or the loss is not finite.</exception>
    /// <exception cref="ModelFormatException">The model at this batch size would exceed the memory budget.</exception>
    public EvaluationResult Evaluate(LabeledImageSet data, TestTimeAugmentationMode mode)
    {
        if (mode == TestTimeAugmentationMode.None) return Evaluate(data);
        CheckData(model, data);
        CheckMemory();
        int views = mode == TestTimeAugmentationMode.Flip ? 2 : TestTimeAugmentation.TenCropCount;
        int group = Math.Max(1, batchSize / views), k = model.ClassCount, size = data.SampleSize;
        var (c, h, w) = (data.Channels, data.Height, data.Width);
        var predictions = new int[data.Count];
        var probabilities = new float[group * views * k];
        double lossSum = 0;
        Span<double> mean = stackalloc double[k];
        var batch = new float[group * size];
        for (int start = 0; start < data.Count; start += group)
        {
            int count = Math.Min(group, data.Count - start);
            data.CopyUnitFloats(start, count, batch);
            var images = batch.AsSpan(0, count * size);
            float[] inputs = mode == TestTimeAugmentationMode.Flip
                ? WithMirrors(images, count, c, h, w)
                : TestTimeAugmentation.TenCrop(images, count, c, h, w, h * 11 / 12, w * 11 / 12);
            var (x, _) = _tensors.For(count * views);
            model.Device.Upload<float>(x, inputs);
            model.Device.Download<float>(model.Predict(x), probabilities.AsSpan(0, count * views * k));
            for (int i = 0; i < count; i++)
            {
                mean.Clear();
                for (int v = 0; v < views; v++)
                    for (int j = 0; j < k; j++) mean[j] += probabilities[(i * views + v) * k + j] / views;
                int label = data.Labels[start + i], best = 0;
                for (int j = 1; j < k; j++) if (mean[j] > mean[best]) best = j;
                predictions[start + i] = best;
                lossSum -= Math.Log(Math.Max(mean[label], 1e-12));
            }
        }
        return Result(data, predictions, lossSum);
    }

    /// <summary>[count, C, H, W] → [count * 2, C, H, W] with image i at 2i and its mirror at 2i + 1.</summary>
    private static float[] WithMirrors(ReadOnlySpan<float> images, int count, int c, int h, int w)
    {
        int size = c * h * w;
        var result = new float[count * 2 * size];
        for (int i = 0; i < count; i++)
        {
            images.Slice(i * size, size).CopyTo(result.AsSpan(2 * i * size, size));
            images.Slice(i * size, size).CopyTo(result.AsSpan((2 * i + 1) * size, size));
            TestTimeAugmentation.FlipHorizontal(result.AsSpan((2 * i + 1) * size, size), 1, c, h, w);
        }
        return result;
    }

    // A loss that is not finite means the outputs overflowed; no report may carry it.
    private EvaluationResult Result(LabeledImageSet data, int[] predictions, double lossSum)
    {
        if (!double.IsFinite(lossSum))
            throw new TrainingException($"model '{model.Name}' gives a loss of {lossSum} on these images: its outputs overflow float32 (weights far too large?)");
        var metrics = ClassificationMetrics.Compute(data.Labels, predictions, model.ClassCount, model.Classes);
        return new EvaluationResult(lossSum / data.Count, predictions, metrics);
    }

    // Metrics of no images are undefined: say so before scoring.
    private static void CheckData(Sequential model, LabeledImageSet data)
    {
        CheckClasses(model, data);
        if (data.Count == 0) throw new TrainingException("there is no image to evaluate: the set is empty");
    }

    /// <summary>Fails unless the data's classes are the model's, in the same order.</summary>
    /// <exception cref="TrainingException">The class lists differ.</exception>
    internal static void CheckClasses(Sequential model, LabeledImageSet data)
    {
        if (!data.ClassNames.SequenceEqual(model.Classes))
            throw new TrainingException($"the model's classes ({string.Join(", ", model.Classes)}) differ from the data's ({string.Join(", ", data.ClassNames)})");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Frees the batch tensors.</summary>
    public void Dispose()
    {
        _tensors.Dispose();
        _loss.Dispose();
    }
}

/// <summary>Input [B, C, H, W] and label [B] tensors, one pair per distinct batch size, reused across steps.</summary>
internal sealed class BatchTensors(NativeCnn.Engine.Devices.Device device, int[] inputShape) : IDisposable
{
    private readonly Dictionary<int, (Tensor X, Tensor Y)> _bySize = [];

    /// <summary>The tensors for a batch of <paramref name="count"/> samples.</summary>
    public (Tensor X, Tensor Y) For(int count)
    {
        if (!_bySize.TryGetValue(count, out var pair))
        {
            pair = (device.Allocate(DType.Float32, [count, .. inputShape]), device.Allocate(DType.Int32, count));
            _bySize[count] = pair;
        }
        return pair;
    }

    /// <summary>Frees all tensors.</summary>
    public void Dispose()
    {
        foreach (var (x, y) in _bySize.Values) { x.Dispose(); y.Dispose(); }
        _bySize.Clear();
    }
}
