using System.Text.RegularExpressions;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Makes another component's error text (a JSON parser's, a decoder's) fit in a one-line message: line breaks and runs of
/// white space become one space (a JSON error quotes the offending text, which may span lines), the argument-name suffix
/// " (Parameter 'x')" of argument exceptions goes, and the text is cut at a readable length.
/// </summary>
public static partial class ErrorText
{
    /// <summary>The one-line form of <paramref name="text"/>, at most <paramref name="maxLength"/> characters.</summary>
    public static string OneLine(string text, int maxLength = 200)
    {
        string line = Whitespace().Replace(ParameterSuffix().Replace(text, ""), " ").Trim();
        return line.Length <= maxLength ? line : line[..(maxLength - 3)] + "...";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();
}
