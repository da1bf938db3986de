using System.Text;

namespace NativeCnn.Data.Muxspace;

/// <summary>
/// Parses muxspace's <c>legend.csv</c> (<c>user.id,image,emotion</c>) into one label per image,
/// applying the reader's documented policies: labels compared case-insensitively, same-label
/// repeats counted once, images with conflicting labels dropped, unknown labels and malformed
/// rows left out. Every such decision becomes an issue.
/// </summary>
internal sealed class MuxspaceLegend
{
    private const string ExpectedHeader = "user.id,image,emotion";

    private MuxspaceLegend(int rows, IReadOnlyDictionary<string, int> labels, IReadOnlySet<string> listed,
        List<(MuxspaceIssueKind, DatasetIssue)> issues, Dictionary<string, int> firstLine)
    {
        Rows = rows;
        Labels = labels;
        Listed = listed;
        Issues = issues;
        FirstLine = firstLine;
    }

    /// <summary>Data rows (header excluded).</summary>
    public int Rows { get; }

    /// <summary>Image file name to class id, for every image with exactly one (possibly repeated) known label.</summary>
    public IReadOnlyDictionary<string, int> Labels { get; }

    /// <summary>Every image name the legend mentions in a well-formed row (known label or not, conflicting or not), so such files do not count as unlabelled.</summary>
    public IReadOnlySet<string> Listed { get; }

    /// <summary>Legend issues in line order.</summary>
    public List<(MuxspaceIssueKind Kind, DatasetIssue Issue)> Issues { get; }

    /// <summary>Image name to the first legend line that labels it (for "missing image" reports).</summary>
    public IReadOnlyDictionary<string, int> FirstLine { get; }

    /// <summary>Reads and parses the legend.</summary>
    /// <param name="path">Path of legend.csv.</param>
    /// <param name="content">The file's bytes (the caller hashes them for the cache key).</param>
    /// <returns>The parsed legend.</returns>
    /// <exception cref="DatasetException">The header is not <c>user.id,image,emotion</c>.</exception>
    public static MuxspaceLegend Parse(string path, byte[] content)
    {
        using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? header = reader.ReadLine();
        if (header is null || !string.Equals(header.Trim(), ExpectedHeader, StringComparison.Ordinal))
        {
            throw new DatasetException($"{path}:1: expected header '{ExpectedHeader}', found '{header ?? "<empty file>"}'.");
        }

        var issues = new List<(MuxspaceIssueKind, DatasetIssue)>();
        var first = new Dictionary<string, (int Label, int Line)>(StringComparer.Ordinal);
        var conflicts = new Dictionary<string, List<(string Label, int Line)>>(StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 1, rows = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            rows++;
            string[] fields = line.TrimEnd('\r').Split(',');
            string image = fields.Length == 3 ? fields[1].Trim() : "";
            if (fields.Length != 3 || image.Length == 0)
            {
                string problem = fields.Length != 3
                    ? $"expected 3 fields (user.id,image,emotion), found {fields.Length}"
                    : "empty image name";
                issues.Add((MuxspaceIssueKind.MalformedRow, new DatasetIssue(path, lineNumber, problem + "; row ignored")));
                continue;
            }
            listed.Add(image);
            string labelText = fields[2].Trim();
            int label = MuxspaceClasses.ClassIndex(labelText);
            if (label < 0)
            {
                issues.Add((MuxspaceIssueKind.UnknownLabel, new DatasetIssue(path, lineNumber,
                    $"'{image}' has unknown emotion '{labelText}', expected one of {string.Join(", ", MuxspaceClasses.Names)} (any case); row ignored")));
                continue;
            }
            if (!first.TryGetValue(image, out var earlier))
            {
                first[image] = (label, lineNumber);
            }
            else if (earlier.Label == label)
            {
                issues.Add((MuxspaceIssueKind.DuplicateRow, new DatasetIssue(path, lineNumber,
                    $"'{image}' is listed again with the same emotion '{MuxspaceClasses.Names[label]}' (first on line {earlier.Line}); counted once")));
            }
            else
            {
                if (!conflicts.TryGetValue(image, out var labels))
                {
                    conflicts[image] = labels = [(MuxspaceClasses.Names[earlier.Label], earlier.Line)];
                }
                labels.Add((MuxspaceClasses.Names[label], lineNumber));
            }
        }

        foreach ((string image, List<(string Label, int Line)> labels) in conflicts)
        {
            // Reported at the first contradicting row; the stable sort below puts it in line order.
            string detail = string.Join(", ", labels.Select(l => $"'{l.Label}' on line {l.Line}"));
            issues.Add((MuxspaceIssueKind.ConflictingLabels, new DatasetIssue(path, labels[1].Line,
                $"'{image}' has conflicting emotions: {detail}; image dropped, since neither label can be trusted")));
        }
        issues = [.. issues.OrderBy(e => e.Item2.Line)];

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string image, (int label, int line)) in first)
        {
            firstLine[image] = line;
            if (!conflicts.ContainsKey(image))
            {
                result[image] = label;
            }
        }
        return new MuxspaceLegend(rows, result, listed, issues, firstLine);
    }
}
