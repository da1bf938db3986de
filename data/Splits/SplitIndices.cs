namespace NativeCnn.Data.Splits;

/// <summary>Image indices of a three-way split; each array is sorted ascending and the three are disjoint.</summary>
/// <param name="Train">Indices of the training part.</param>
/// <param name="Validation">Indices of the validation part.</param>
/// <param name="Test">Indices of the test part.</param>
public sealed record SplitIndices(int[] Train, int[] Validation, int[] Test);
