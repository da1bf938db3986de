using NativeCnn.Data;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Losses;
using NativeCnn.Engine.Metrics;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Trainer.Training;

/// <summary>Loss, predictions and classification metrics of a model on a labelled set.</summary>
/// <param name="MeanLoss">Mean cross-entropy, nats.</param>
/// <param name="Predictions">Arg-max class per sample.</param>
/// <param name="Metrics">Accuracy, balanced accuracy, macro-F1, per-class scores, confusion matrix.</param>
public sealed record EvaluationResult(double MeanLoss, int[] Predictions, ClassificationMetrics Metrics);

/// <summary>Runs a model in inference mode (moving statistics, no dropout) over a data set in batches.</summary>
public sealed class Evaluator(Sequential model, int batchSize = 256) : IDisposable
{
    private readonly BatchTensors _tensors = new(model.Device, model.InputShape);
    private readonly SoftmaxCrossEntropyLoss _loss = new();

    /// <summary>Evaluates every sample of <paramref name="data"/> once, in order.</summary>
    public EvaluationResult Evaluate(LabeledImageSet data)
    {
        CheckClasses(model, data);
        var predictions = new int[data.Count];
        double lossSum = 0;
        var logitsHost = new float[batchSize * model.ClassCount];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            var (x, y) = _tensors.For(count);
            model.Device.Upload<float>(x, data.Pixels.AsSpan(start * data.SampleSize, count * data.SampleSize));
            model.Device.Upload<int>(y, data.Labels.AsSpan(start, count));
            var logits = model.ForwardLogits(x, ForwardContext.Inference);
            lossSum += _loss.Compute(logits, y, computeGradient: false).MeanLoss * count;
            var host = logitsHost.AsSpan(0, count * model.ClassCount);
            model.Device.Download<float>(logits, host);
            for (int i = 0; i < count; i++) predictions[start + i] = ArgMax(host.Slice(i * model.ClassCount, model.ClassCount));
        }
        var metrics = ClassificationMetrics.Compute(data.Labels, predictions, model.ClassCount, model.Spec.Classes);
        return new EvaluationResult(data.Count == 0 ? 0 : lossSum / data.Count, predictions, metrics);
    }

    /// <summary>Fails unless the data's classes are the model's, in the same order.</summary>
    /// <exception cref="CliException">The class lists differ.</exception>
    public static void CheckClasses(Sequential model, LabeledImageSet data)
    {
        if (!data.ClassNames.SequenceEqual(model.Spec.Classes))
            throw new CliException($"the model's classes ({string.Join(", ", model.Spec.Classes)}) differ from the data's ({string.Join(", ", data.ClassNames)})");
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
public sealed class BatchTensors(NativeCnn.Engine.Devices.Device device, int[] inputShape) : IDisposable
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
