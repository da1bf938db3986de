namespace NativeCnn.Data;

/// <summary>
/// One problem a reader found and worked around instead of failing: for example a truncated CSV
/// row that was left out. Readers return these next to the data so nothing is dropped silently;
/// the caller decides whether to print, log or abort.
/// </summary>
/// <param name="File">Path of the file with the problem, as the reader saw it.</param>
/// <param name="Line">1-based line number inside <paramref name="File"/> (the CSV header is line 1), or 0 when the problem concerns the whole file.</param>
/// <param name="Message">What is wrong, e.g. "expected 2304 pixel values, found 114".</param>
public sealed record DatasetIssue(string File, int Line, string Message)
{
    /// <summary>Formats the issue as <c>file:line: message</c> (or <c>file: message</c> when <see cref="Line"/> is 0), the layout compilers use, so editors can jump to it.</summary>
    /// <returns>The formatted issue.</returns>
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
