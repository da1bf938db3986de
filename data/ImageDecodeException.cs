namespace NativeCnn.Data;

/// <summary>
/// Thrown when an image file cannot be decoded: empty, truncated, corrupt, of no supported
/// format, or larger than the pixel limit. The message names the file and says what is wrong
/// (the decoder's own text where it has one). It derives from
/// <see cref="DatasetException"/> so a dataset reader can let it propagate unchanged and callers
/// can catch every data problem with one handler.
/// </summary>
public sealed class ImageDecodeException : DatasetException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">File name (or other label) of the image that failed.</param>
    /// <param name="codecMessage">What is wrong, e.g. "JPEG file is truncated: no end-of-image marker after the last scan".</param>
    public ImageDecodeException(string sourceName, string codecMessage)
        : base($"Cannot decode image '{sourceName}': {codecMessage}")
    {
        SourceName = sourceName;
        CodecMessage = codecMessage;
    }

    /// <summary>File name (or other label) of the image that failed.</summary>
    public string SourceName { get; }

    /// <summary>The codec's own error text, unmodified.</summary>
    public string CodecMessage { get; }
}
