namespace NativeCnn.Engine.Serialization;

/// <summary>
/// A checkpoint file exists and could be read but its content is not a valid file of the
/// expected format. The message names the file and what is wrong with it.
/// </summary>
/// <remarks>Derives from <see cref="IOException"/> so callers that handle "could not load this
/// file" in one place catch it together with missing or unreadable files.</remarks>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    /// <param name="filePath">Path of the offending file.</param>
    /// <param name="problem">What is wrong, as a sentence fragment, e.g. "header is not valid JSON".</param>
    /// <param name="innerException">The underlying error, if any (e.g. a <c>JsonException</c>).</param>
    public CheckpointFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"Invalid safetensors file '{filePath}': {problem}.", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Path of the offending file, as given to the reader.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with the file, without the path.</summary>
    public string Problem { get; }
}
