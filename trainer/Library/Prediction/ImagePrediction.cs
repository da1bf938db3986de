namespace NativeCnn.Training;

/// <summary>The class probabilities a model gives one image file.</summary>
/// <param name="File">The image file.</param>
/// <param name="Probabilities">Softmax probabilities, one per class in the model's label order; they sum to 1.</param>
/// <param name="Classes">The model's class names, in label order.</param>
public sealed record ImagePrediction(string File, float[] Probabilities, IReadOnlyList<string> Classes)
{
    /// <summary>The <paramref name="count"/> most likely classes, most likely first (ties keep label order).</summary>
    /// <param name="count">How many; clamped to [1, classes].</param>
    public IReadOnlyList<(string Class, float Probability)> Top(int count) =>
        Probabilities.Select((p, c) => (Class: Classes[c], Probability: p)).OrderByDescending(p => p.Probability)
            .Take(Math.Clamp(count, 1, Classes.Count)).ToList();
}

/// <summary>What <see cref="ModelPrediction.Predict(NativeCnn.Engine.Models.Sequential, IEnumerable{string}, long)"/> returns.</summary>
/// <param name="Predictions">One per image that decoded, in the order the files were named (a folder's images in name order).</param>
/// <param name="Skipped">Files that could not be decoded, each with the reason.</param>
public sealed record ImagePredictions(IReadOnlyList<ImagePrediction> Predictions, IReadOnlyList<NativeCnn.Data.DatasetIssue> Skipped);
