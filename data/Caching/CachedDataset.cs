namespace NativeCnn.Data.Caching;

/// <summary>What a cache file holds: one or more image sets (e.g. train/public/private) and the issues found while building them.</summary>
/// <param name="Sets">The decoded sets, in a reader-defined order.</param>
/// <param name="Issues">Issues recorded when the sets were first decoded, so a cached load reports the same problems as a fresh one.</param>
public sealed record CachedDataset(IReadOnlyList<LabeledImageSet> Sets, IReadOnlyList<DatasetIssue> Issues);
