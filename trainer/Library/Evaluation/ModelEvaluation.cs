using NativeCnn.Data;
using NativeCnn.Engine.Models;

namespace NativeCnn.Training;

/// <summary>Keras' <c>model.evaluate</c> for a <see cref="Sequential"/> model.</summary>
public static class ModelEvaluation
{
    /// <summary>
    /// Scores <paramref name="model"/> on every image of <paramref name="data"/> in inference mode
    /// (BatchNormalization's moving statistics, no dropout): the mean cross-entropy, each image's
    /// predicted class, and accuracy, balanced accuracy, macro-F1, per-class precision / recall / F1
    /// and the confusion matrix.
    /// </summary>
    /// <param name="model">A built model.</param>
    /// <param name="data">Images [N, C, H, W] in [0, 1] of the model's input size, labelled with the model's classes.</param>
    /// <param name="testTimeAugmentation">Views of each image whose softmax probabilities are averaged (none: the image once).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <returns>Loss (nats), predictions and metrics.</returns>
    /// <exception cref="TrainingException">The data's classes are not the model's, in the same order.</exception>
    public static EvaluationResult Evaluate(this Sequential model, LabeledImageSet data,
        TestTimeAugmentationMode testTimeAugmentation = TestTimeAugmentationMode.None, int batchSize = 256)
    {
        using var evaluator = new Evaluator(model, batchSize);
        return evaluator.Evaluate(data, testTimeAugmentation);
    }
}
