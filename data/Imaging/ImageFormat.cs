namespace NativeCnn.Data.Imaging;

/// <summary>The container format of an image file, as told by its first bytes (never by its name).</summary>
public enum ImageFormat
{
    /// <summary>None of the formats below: text, truncated header, or an unknown format.</summary>
    Unknown = 0,

    /// <summary>JPEG/JFIF/Exif: starts with FF D8 FF. Decoded with libjpeg-turbo.</summary>
    Jpeg,

    /// <summary>PNG: starts with the 8-byte signature 89 'PNG' 0D 0A 1A 0A. Decoded with libpng.</summary>
    Png,

    /// <summary>WebP: "RIFF", a 4-byte size, then "WEBP". Recognised so it can be reported by name, but not decodable.</summary>
    WebP,

    /// <summary>GIF: starts with "GIF8". Recognised, not decodable.</summary>
    Gif,

    /// <summary>Windows bitmap: starts with "BM". Recognised, not decodable.</summary>
    Bmp,
}

/// <summary>Identifies an image format from its magic bytes.</summary>
/// <remarks>
/// Real datasets hold files whose extension lies (muxspace has a WebP file named <c>.jpg</c>), so
/// readers pick the decoder from the content. Only JPEG and PNG can be decoded; the other known
/// formats are named so that a report says "WebP" rather than a decoder's "Not a JPEG file".
/// </remarks>
public static class ImageFormatSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to tell every known format apart.</summary>
    public const int HeaderLength = 12;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Classifies a file from its first bytes.</summary>
    /// <param name="header">The file's first bytes (at least <see cref="HeaderLength"/> for a sure answer; fewer gives <see cref="ImageFormat.Unknown"/> where they do not suffice).</param>
    /// <returns>The format, or <see cref="ImageFormat.Unknown"/>.</returns>
    public static ImageFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }
        if (header.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }
        if (header.StartsWith("GIF8"u8))
        {
            return ImageFormat.Gif;
        }
        if (header.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }
        return ImageFormat.Unknown;
    }

    /// <summary>Reads the first <see cref="HeaderLength"/> bytes of a file and classifies them.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The format, or <see cref="ImageFormat.Unknown"/> (also for files shorter than the header).</returns>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static ImageFormat DetectFile(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        int total = 0;
        while (total < header.Length)
        {
            int n = RandomAccess.Read(handle, header[total..], total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return Detect(header[..total]);
    }
}
