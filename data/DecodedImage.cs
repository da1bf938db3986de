namespace NativeCnn.Data;

/// <summary>
/// An 8-bit image in interleaved row-major layout [Height, Width, Channels] (channel order RGB
/// when <see cref="Channels"/> is 3), as codecs produce and consume it.
/// </summary>
public sealed class DecodedImage
{
    /// <summary>Wraps pixel bytes without copying.</summary>
    /// <param name="pixels">Interleaved pixels, at least <paramref name="width"/>*<paramref name="height"/>*<paramref name="channels"/> bytes.</param>
    /// <param name="width">Width in pixels, &gt; 0.</param>
    /// <param name="height">Height in pixels, &gt; 0.</param>
    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <exception cref="ArgumentException">Dimensions are not positive, channels is not 1 or 3, or the buffer is too small.</exception>
    public DecodedImage(byte[] pixels, int width, int height, int channels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"channels must be 1 (gray) or 3 (RGB), got {channels}.", nameof(channels));
        }
        if (pixels.LongLength < (long)width * height * channels)
        {
            throw new ArgumentException(
                $"pixel buffer holds {pixels.Length} bytes, a {width}x{height}x{channels} image needs {(long)width * height * channels}.",
                nameof(pixels));
        }
        Pixels = pixels;
        Width = width;
        Height = height;
        Channels = channels;
    }

    /// <summary>Interleaved pixel bytes, [Height, Width, Channels] row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Samples per pixel: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }
}
