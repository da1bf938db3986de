namespace NativeCnn.Data.Muxspace;

/// <summary>The result of a muxspace load.</summary>
/// <param name="Images">The images, [N, 1, H, W] in [0, 1], labelled with <see cref="MuxspaceClasses.Names"/> ids, ordered by file name (ordinal). SourceFiles holds the file names.</param>
/// <param name="Report">What was skipped and why.</param>
public sealed record MuxspaceDataset(LabeledImageSet Images, MuxspaceReport Report);
