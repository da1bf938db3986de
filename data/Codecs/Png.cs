namespace NativeCnn.Data.Codecs;

/// <summary>
/// Reads and writes 8-bit PNG images through libpng's simplified API (libpng16.so.16, Debian
/// package <c>libpng16-16</c>). Reading converts any PNG (palette, 16-bit, alpha, colour) to the
/// requested 8-bit gray or RGB layout; writing stores 8-bit gray or RGB. Used for sample images
/// and training-curve plots. All members are thread-safe (no shared state).
/// </summary>
public static unsafe class Png
{
    /// <summary>Decodes PNG bytes to 8-bit gray (channels 1) or RGB (channels 3).</summary>
    /// <param name="png">The complete PNG file contents.</param>
    /// <param name="channels">1 for gray (colour is converted to luminance), 3 for RGB.</param>
    /// <param name="sourceName">File name used in error messages.</param>
    /// <returns>Interleaved pixels [H, W, channels].</returns>
    /// <exception cref="ArgumentException"><paramref name="channels"/> is not 1 or 3.</exception>
    /// <exception cref="ImageDecodeException">The data is empty, not a PNG, or corrupt; the message carries libpng's text.</exception>
    /// <exception cref="DllNotFoundException">libpng16.so.16 is not installed.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> png, int channels, string sourceName)
    {
        uint format = FormatFor(channels);
        if (png.IsEmpty)
        {
            throw new ImageDecodeException(sourceName, "file is empty (0 bytes), expected PNG data");
        }
        PngNative.PngImage image = default;
        image.Version = PngNative.ImageVersion;
        try
        {
            fixed (byte* src = png)
            {
                if (PngNative.ImageBeginReadFromMemory(&image, src, (nuint)png.Length) == 0)
                {
                    throw new ImageDecodeException(sourceName, "libpng: " + PngNative.MessageOf(&image));
                }
                // Asking for a format here makes libpng convert whatever the file holds.
                image.Format = format;
                int width = checked((int)image.Width);
                int height = checked((int)image.Height);
                var pixels = new byte[checked(width * height * channels)];
                fixed (byte* dst = pixels)
                {
                    if (PngNative.ImageFinishRead(&image, null, dst, 0, null) == 0)
                    {
                        throw new ImageDecodeException(sourceName, "libpng: " + PngNative.MessageOf(&image));
                    }
                }
                return new DecodedImage(pixels, width, height, channels);
            }
        }
        finally
        {
            // Frees libpng's internal state if a read stopped half-way; harmless after a completed read.
            PngNative.ImageFree(&image);
        }
    }

    /// <summary>Reads and decodes a PNG file.</summary>
    /// <param name="path">Path of the PNG file.</param>
    /// <param name="channels">1 for gray, 3 for RGB.</param>
    /// <returns>Interleaved pixels [H, W, channels].</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ImageDecodeException">The file is empty or corrupt; the message names <paramref name="path"/>.</exception>
    public static DecodedImage ReadFile(string path, int channels) => Decode(File.ReadAllBytes(path), channels, path);

    /// <summary>Encodes an 8-bit gray or RGB image to PNG bytes in memory (png_image_write_to_memory).</summary>
    /// <param name="image">The image; <see cref="DecodedImage.Channels"/> selects gray or RGB.</param>
    /// <returns>The PNG file contents.</returns>
    /// <exception cref="InvalidOperationException">libpng reported an error.</exception>
    public static byte[] Encode(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        PngNative.PngImage header = HeaderFor(image);
        fixed (byte* src = image.Pixels)
        {
            // First call with a null buffer asks for the size; the second writes.
            nuint size = 0;
            if (PngNative.ImageWriteToMemory(&header, null, &size, 0, src, 0, null) == 0)
            {
                throw new InvalidOperationException("png_image_write_to_memory failed: " + PngNative.MessageOf(&header));
            }
            var output = new byte[checked((int)size)];
            header = HeaderFor(image);
            fixed (byte* dst = output)
            {
                if (PngNative.ImageWriteToMemory(&header, dst, &size, 0, src, 0, null) == 0)
                {
                    throw new InvalidOperationException("png_image_write_to_memory failed: " + PngNative.MessageOf(&header));
                }
            }
            return size == (nuint)output.Length ? output : output[..(int)size];
        }
    }

    /// <summary>Writes an 8-bit gray or RGB image to a PNG file (png_image_write_to_file), replacing any existing file.</summary>
    /// <param name="path">Destination path; the folder must exist.</param>
    /// <param name="image">The image; <see cref="DecodedImage.Channels"/> selects gray or RGB.</param>
    /// <exception cref="IOException">libpng could not write the file (the message names it and carries libpng's text).</exception>
    public static void WriteFile(string path, DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        PngNative.PngImage header = HeaderFor(image);
        fixed (byte* src = image.Pixels)
        {
            if (PngNative.ImageWriteToFile(&header, path, 0, src, 0, null) == 0)
            {
                throw new IOException($"Cannot write PNG '{path}': libpng: {PngNative.MessageOf(&header)}");
            }
        }
    }

    private static PngNative.PngImage HeaderFor(DecodedImage image)
    {
        PngNative.PngImage header = default;
        header.Version = PngNative.ImageVersion;
        header.Width = (uint)image.Width;
        header.Height = (uint)image.Height;
        header.Format = FormatFor(image.Channels);
        return header;
    }

    private static uint FormatFor(int channels) => channels switch
    {
        1 => PngNative.FormatGray,
        3 => PngNative.FormatRgb,
        _ => throw new ArgumentException($"channels must be 1 (gray) or 3 (RGB), got {channels}.", nameof(channels)),
    };
}
