using NativeCnn.Data.Codecs;

namespace NativeCnn.Data.Imaging;

/// <summary>Why one image file could not be decoded.</summary>
/// <param name="Format">What the file's magic bytes say it is.</param>
/// <param name="Message">Human-readable reason: the codec's error text, or which format was found instead of JPEG/PNG.</param>
internal readonly record struct DecodeFailure(ImageFormat Format, string Message)
{
    /// <summary>True when the file is not JPEG or PNG at all (as opposed to a corrupt JPEG/PNG).</summary>
    public bool IsUnsupportedFormat => Format is not (ImageFormat.Jpeg or ImageFormat.Png);
}

/// <summary>
/// Per-thread decoder for the generic readers: reads a file, picks JPEG or PNG from its magic
/// bytes (not its name), decodes to 8-bit gray and resizes into a float slot. It owns a
/// TurboJPEG handle and grows its buffers as needed, so the hot loop allocates little; one
/// instance must not be shared between threads.
/// </summary>
internal sealed class GrayFileDecoder : IDisposable
{
    private TurboJpeg? jpeg;
    private readonly ReusableFileReader files = new();
    private byte[] gray = new byte[1 << 16];
    private float[]? resizeScratch;

    /// <summary>Decodes <paramref name="path"/> into <paramref name="destination"/> as [height, width] floats in [0, 1].</summary>
    /// <returns>Null on success; otherwise why the file is not a decodable image (nothing useful is left in destination).</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public DecodeFailure? TryDecodeInto(string path, Span<float> destination, int height, int width)
    {
        ReadOnlySpan<byte> data = files.Read(path);
        ImageFormat format = ImageFormatSniffer.Detect(data);
        try
        {
            switch (format)
            {
                case ImageFormat.Jpeg:
                    jpeg ??= new TurboJpeg();
                    (int w, int h) = jpeg.ReadSize(data, path);
                    if (gray.Length < (long)w * h)
                    {
                        gray = new byte[checked(w * h)];
                    }
                    jpeg.DecodeGray(data, w, h, gray, path);
                    Resize.GrayToUnitFloats(gray.AsSpan(0, w * h), h, w, destination, height, width, ref resizeScratch);
                    return null;
                case ImageFormat.Png:
                    // libpng's simplified API allocates its own output; PNG is rare in these datasets.
                    DecodedImage image = Png.Decode(data, 1, path);
                    Resize.GrayToUnitFloats(image.Pixels, image.Height, image.Width, destination, height, width, ref resizeScratch);
                    return null;
                case ImageFormat.Unknown when data.IsEmpty:
                    return new DecodeFailure(format, "file is empty (0 bytes), expected JPEG or PNG data");
                case ImageFormat.Unknown:
                    return new DecodeFailure(format, $"not a JPEG or PNG file: starts with {Hex(data)}");
                default:
                    return new DecodeFailure(format, $"file holds {format} data, not JPEG or PNG (the extension is misleading); only JPEG and PNG are supported");
            }
        }
        catch (ImageDecodeException ex)
        {
            return new DecodeFailure(format, ex.CodecMessage);
        }
    }

    public void Dispose() => jpeg?.Dispose();

    private static string Hex(ReadOnlySpan<byte> data) =>
        Convert.ToHexString(data[..Math.Min(data.Length, 8)]);
}
