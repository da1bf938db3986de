namespace NativeCnn.Data.Fer2013;

/// <summary>
/// FER-2013 divided by its <c>Usage</c> field: the standard protocol trains on
/// <see cref="Train"/>, selects models on <see cref="PublicTest"/> and reports on
/// <see cref="PrivateTest"/>.
/// </summary>
/// <param name="Train">Images whose Usage is Training (28,709 in the full set).</param>
/// <param name="PublicTest">Images whose Usage is PublicTest (3,589 in the full set).</param>
/// <param name="PrivateTest">Images whose Usage is PrivateTest (3,589 in the full set).</param>
/// <param name="Issues">Problems that were worked around (skipped rows or files), in file order; empty when the input was clean.</param>
public sealed record Fer2013Splits(
    LabeledImageSet Train,
    LabeledImageSet PublicTest,
    LabeledImageSet PrivateTest,
    IReadOnlyList<DatasetIssue> Issues);
