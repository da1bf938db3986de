namespace NativeCnn.Data;

/// <summary>
/// Thrown when a dataset on disk does not have the shape a reader expects: a missing folder, an
/// unknown class folder, a badly named file, a malformed CSV row in strict mode, an image of the
/// wrong size. The message always names the file or folder at fault and what was expected, so
/// the user can fix the data without reading our source.
/// </summary>
public class DatasetException : Exception
{
    /// <summary>Creates the exception with a message that names the offending file or folder.</summary>
    /// <param name="message">Human-readable description: which path, what was expected, what was found.</param>
    public DatasetException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception wrapping a lower-level cause (an I/O error, a codec error).</summary>
    /// <param name="message">Human-readable description: which path, what was expected, what was found.</param>
    /// <param name="innerException">The underlying error.</param>
    public DatasetException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
