namespace NativeCnn.Data.Folders;

/// <summary>The result of an <see cref="ImageFolderReader"/> load.</summary>
/// <param name="Images">The images, [N, 1, H, W] in [0, 1]; class ids index the sorted class folder names; SourceFiles holds paths relative to the root ("happy/img1.jpg").</param>
/// <param name="Issues">Files left out and why: files outside class folders, files without an image extension, and (with SkipBadImages) undecodable images. Empty for a clean tree.</param>
public sealed record ImageFolderSet(LabeledImageSet Images, IReadOnlyList<DatasetIssue> Issues);
