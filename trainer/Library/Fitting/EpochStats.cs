using System.Globalization;

namespace NativeCnn.Training;

/// <summary>Live numbers after each training batch (Keras' batch logs), for progress displays.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss so far this epoch, nats, plus the L2 penalty measured at the start of the epoch.</param>
/// <param name="Accuracy">Training accuracy so far this epoch, 0..1.</param>
/// <param name="ImagesPerSecond">Training throughput so far this epoch.</param>
/// <param name="Remaining">Estimated time left in this epoch's training pass.</param>
public sealed record BatchProgress(int Epoch, int Batch, int Batches, double Loss, double Accuracy, double ImagesPerSecond, TimeSpan Remaining);

/// <summary>One epoch's results (Keras' epoch logs; a line of metrics.jsonl).</summary>
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
/// <param name="ValidationBalancedAccuracy">Mean per-class recall on the validation set, 0..1.</param>
/// <param name="ValidationMacroF1">Mean per-class F1 on the validation set, 0..1.</param>
public sealed record EpochStats(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double Seconds, double ImagesPerSecond, double LearningRate, double RegularizationLoss = 0,
    double ValidationBalancedAccuracy = 0, double ValidationMacroF1 = 0)
{
    /// <summary>
    /// The names a callback can monitor, Keras' log keys: loss, accuracy, val_loss, val_accuracy,
    /// val_balanced_accuracy, val_macro_f1, regularization_loss, lr.
    /// </summary>
    public static readonly IReadOnlyList<string> MetricNames =
        ["loss", "accuracy", "val_loss", "val_accuracy", "val_balanced_accuracy", "val_macro_f1", "regularization_loss", "lr"];

    /// <summary>A metric by its Keras log name (see <see cref="MetricNames"/>).</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="MetricNames"/>.</exception>
    public double Metric(string name) => name switch
    {
        "loss" => TrainLoss,
        "accuracy" => TrainAccuracy,
        "val_loss" => ValidationLoss,
        "val_accuracy" => ValidationAccuracy,
        "val_balanced_accuracy" => ValidationBalancedAccuracy,
        "val_macro_f1" => ValidationMacroF1,
        "regularization_loss" => RegularizationLoss,
        "lr" => LearningRate,
        _ => throw UnknownMetric(name),
    };

    /// <summary>Fails unless <paramref name="name"/> is a metric name.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="MetricNames"/>; the message lists them.</exception>
    public static void CheckMetric(string name)
    {
        if (!MetricNames.Contains(name)) throw UnknownMetric(name);
    }

    /// <summary>
    /// Every metric that does not depend on timing (all but <see cref="Seconds"/> and
    /// <see cref="ImagesPerSecond"/>), by name: what checkpoints record, so that two runs with the
    /// same seed write the same bytes.
    /// </summary>
    public IReadOnlyDictionary<string, double> Deterministic() => MetricNames.ToDictionary(n => n, Metric);

    private static ArgumentException UnknownMetric(string name) =>
        new($"unknown metric '{name}'; expected one of {string.Join(", ", MetricNames)}");

    /// <summary>Formats a value the way logs and CSV files show it: invariant culture, round-trip precision.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
