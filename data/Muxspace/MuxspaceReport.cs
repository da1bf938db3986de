using System.Text;

namespace NativeCnn.Data.Muxspace;

/// <summary>
/// What a muxspace load kept and what it skipped, and why: per-kind counts plus every issue
/// (file, line, message), so nothing is dropped silently.
/// </summary>
public sealed class MuxspaceReport
{
    private readonly IReadOnlyList<(MuxspaceIssueKind Kind, DatasetIssue Issue)> entries;

    /// <summary>Creates a report.</summary>
    /// <param name="legendRows">Data rows in legend.csv (header excluded).</param>
    /// <param name="imageFiles">Files found in images/.</param>
    /// <param name="loaded">Images in the resulting set.</param>
    /// <param name="issues">Every issue with its kind, in report order.</param>
    public MuxspaceReport(int legendRows, int imageFiles, int loaded, IReadOnlyList<(MuxspaceIssueKind Kind, DatasetIssue Issue)> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        LegendRows = legendRows;
        ImageFiles = imageFiles;
        Loaded = loaded;
        entries = issues;
        Issues = issues.Select(e => e.Issue).ToArray();
    }

    /// <summary>Data rows in legend.csv (header excluded).</summary>
    public int LegendRows { get; }

    /// <summary>Files found in images/.</summary>
    public int ImageFiles { get; }

    /// <summary>Images in the resulting set.</summary>
    public int Loaded { get; }

    /// <summary>Every issue, legend problems first (in line order), then file problems (in file-name order).</summary>
    public IReadOnlyList<DatasetIssue> Issues { get; }

    /// <summary>How many issues of one kind were found.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The count (0 when none).</returns>
    public int CountOf(MuxspaceIssueKind kind) => entries.Count(e => e.Kind == kind);

    /// <summary>The issues of one kind, in report order.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The matching issues.</returns>
    public IReadOnlyList<DatasetIssue> IssuesOf(MuxspaceIssueKind kind) =>
        entries.Where(e => e.Kind == kind).Select(e => e.Issue).ToArray();

    /// <summary>One line for logs, e.g. "muxspace: 3788 images loaded from 3790 legend rows and 3825 files; ConflictingLabels 1, UnlabelledImage 36, MisnamedFormat 1".</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var text = new StringBuilder($"muxspace: {Loaded} images loaded from {LegendRows} legend rows and {ImageFiles} files");
        string counts = string.Join(", ", Enum.GetValues<MuxspaceIssueKind>()
            .Select(kind => (kind, n: CountOf(kind)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.kind} {x.n}"));
        text.Append(counts.Length == 0 ? "; no issues" : "; " + counts);
        return text.ToString();
    }
}
