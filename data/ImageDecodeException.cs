namespace NativeCnn.Data;

/// <summary>
/// Thrown when an image file cannot be decoded: empty, truncated or corrupt JPEG/PNG data. The
/// message names the file and carries the native library's own error text (libjpeg-turbo's
/// <c>tjGetErrorStr2</c>, libpng's <c>png_image.message</c>). It derives from
/// <see cref="DatasetException"/> so a dataset reader can let it propagate unchanged and callers
/// can catch every data problem with one handler.
/// </summary>
public sealed class ImageDecodeException : DatasetException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">File name (or other label) of the image that failed.</param>
    /// <param name="codecMessage">The codec's error text, e.g. "Not a JPEG file: starts with 0x12 0x34".</param>
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
