namespace NativeCnn.Data.Splits;

/// <summary>A labelled set divided into training, validation and test parts (each a copy with its own arrays).</summary>
/// <param name="Train">Training images.</param>
/// <param name="Validation">Validation images (model selection, early stopping).</param>
/// <param name="Test">Test images (the final report).</param>
public sealed record DatasetSplit(LabeledImageSet Train, LabeledImageSet Validation, LabeledImageSet Test);
