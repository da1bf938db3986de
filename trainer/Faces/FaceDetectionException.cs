namespace NativeCnn.Faces;

/// <summary>
/// Face detection cannot go on for a reason the caller can fix: the cascade file is missing or not a
/// cascade, OpenCV's native library does not load, a video or camera cannot be opened, an output
/// cannot be encoded. The message is one sentence naming the file, device or value at fault.
/// </summary>
public sealed class FaceDetectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file, device or value.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public FaceDetectionException(string message, Exception? inner = null) : base(message, inner) { }
}
