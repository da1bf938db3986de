using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeCnn.Data.Imaging;

/// <summary>
/// Decodes JPEG (baseline, progressive, CMYK), PNG (1-16 bit, palette, alpha), BMP, GIF (first
/// frame), TIFF and WebP files to 8-bit grayscale with SixLabors.ImageSharp 2.1.13 (managed code,
/// no native library), exactly as Keras' <c>load_img(color_mode="grayscale")</c> gets it from PIL.
/// </summary>
/// <remarks>
/// <para>The format comes from the content, never the file name. Grayscale is PIL's mode 'L'
/// (libImaging/Convert.c): <c>L = (19595 R + 38470 G + 7471 B + 0x8000) &gt;&gt; 16</c>, the ITU-R
/// BT.601 luma 0.299 R + 0.587 G + 0.114 B in 16-bit fixed point with rounding. Alpha is ignored
/// (PIL's RGBA, LA and palette-with-transparency to L conversions drop it); 16-bit samples keep
/// their high byte, as PIL reads 16-bit colour PNGs; a CMYK JPEG becomes RGB first, as PIL
/// converts CMYK via RGB. One deviation: PIL opens a 16-bit grayscale PNG as 32-bit integers and
/// Keras keeps them (0-65535); we take the high byte like every other 16-bit sample, so such a
/// file gives the same 0-255 scale as its 8-bit version. A GIF's transparent pixels read as black
/// (ImageSharp does not expose the palette index; PIL would use the palette colour).</para>
/// <para>Measured against PIL 9.4 (Debian 12): JPEGs differ by at most one grey level on some
/// pixels (ImageSharp's IDCT is not libjpeg's); PNG, BMP, GIF, TIFF and WebP are bit-identical
/// (tests/Data/Fixtures/pil-gray, <c>scripts/make-pil-gray-fixtures.py</c>).</para>
/// <para>Decode limits: the header is read first and an image of more than <see cref="MaxPixels"/>
/// pixels is refused before any pixel buffer exists; ImageSharp's allocator is capped as well,
/// so a header that lies to the identify step still cannot make a giant allocation. A file that
/// ends early (a truncated download) is an error, never an image padded with invented pixels:
/// ImageSharp fills missing data silently, so <see cref="ImageCompleteness"/> checks the file's
/// structure first.</para>
/// <para>Thread-safe: one instance can serve every decoder thread of a load.</para>
/// </remarks>
public sealed class GrayImageDecoder
{
    /// <summary>Default <see cref="MaxPixels"/>: 64 megapixels (8192 x 8192), far above any photo of a face and far below what would exhaust memory.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>File extensions (lower case, with the dot) that folder readers and predict take as images; the format itself is still read from the content.</summary>
    public static IReadOnlyList<string> FileExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"];

    private readonly Configuration configuration;

    /// <summary>Creates a decoder.</summary>
    /// <param name="maxPixels">Largest width*height accepted, &gt; 0; default <see cref="DefaultMaxPixels"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPixels"/> is not positive.</exception>
    public GrayImageDecoder(long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        MaxPixels = maxPixels;
        // Only the six formats we document: TGA has no magic bytes, so its detector would claim random data.
        configuration = new Configuration(
            new JpegConfigurationModule(), new PngConfigurationModule(), new BmpConfigurationModule(),
            new GifConfigurationModule(), new TiffConfigurationModule(), new WebpConfigurationModule())
        {
            // Our callers already decode one file per thread.
            MaxDegreeOfParallelism = 1,
            // One buffer per image, so the gray conversion is one loop over one span.
            PreferContiguousImageBuffers = true,
        };
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        // The backstop: the largest buffer a decoder may ask for is the image at 8 bytes a pixel (Rgba64), plus slack.
        int limitMegabytes = (int)Math.Min(int.MaxValue, maxPixels * 8 / (1024 * 1024) + 64);
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = limitMegabytes });
    }

    /// <summary>Largest width*height this decoder accepts; larger images are refused after reading only their header.</summary>
    public long MaxPixels { get; }

    /// <summary>The format a file's content holds, from its first bytes, or null when it is none of ours.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The format's name ("JPEG", "PNG", "BMP", "GIF", "TIFF", "WebP") and its usual extensions (lower case, no dot), or null.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ImageDecodeException">The file has 0 bytes (see <see cref="ThrowIfNotReadable"/>).</exception>
    public (string Name, IReadOnlyList<string> Extensions)? DetectFormat(string path)
    {
        ThrowIfNotReadable(path);
        IImageFormat? format = Image.DetectFormat(configuration, path);
        return format is null ? null : (NameOf(format), format.FileExtensions.Select(e => e.ToLowerInvariant()).ToArray());
    }

    /// <summary>Decodes a whole file's bytes to a new gray image.</summary>
    /// <param name="data">The complete file contents.</param>
    /// <param name="sourceName">File name used in error messages.</param>
    /// <returns>A one-channel image, [H, W] row-major bytes.</returns>
    /// <exception cref="ImageDecodeException">The data is empty, not an image of a supported format, truncated, corrupt, or over <see cref="MaxPixels"/>; the message names <paramref name="sourceName"/>.</exception>
    public DecodedImage Decode(byte[] data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(data);
        byte[]? gray = null;
        (int width, int height, _) = DecodeInto(data, data.Length, sourceName, ref gray);
        return new DecodedImage(gray!, width, height, 1);
    }

    /// <summary>Reads and decodes a file to a new gray image.</summary>
    /// <param name="path">The image file.</param>
    /// <returns>A one-channel image, [H, W] row-major bytes.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ImageDecodeException">As <see cref="Decode(byte[], string)"/>, or the file has 0 bytes (see <see cref="ThrowIfNotReadable"/>).</exception>
    public DecodedImage DecodeFile(string path)
    {
        ThrowIfNotReadable(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// Refuses to open a file of 0 bytes: it holds no image, and it is also how a FIFO, a socket or a device looks to
    /// .NET, which exposes no file type. Opening a FIFO blocks until something writes to it, and a device may never
    /// end, so such a file is reported and never read; every reader checks this before it opens an image.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ImageDecodeException">The file has 0 bytes; the message names it.</exception>
    /// <exception cref="IOException">The file does not exist or cannot be examined.</exception>
    public static void ThrowIfNotReadable(string path)
    {
        if (new FileInfo(path).Length == 0)
            throw new ImageDecodeException(path, "0 bytes: an empty file, or not a regular file (a FIFO, socket or device, which is never opened)");
    }

    /// <summary>
    /// Decodes the first <paramref name="length"/> bytes of <paramref name="data"/> into
    /// <paramref name="gray"/>, which grows when the image is larger than it (bulk loaders keep
    /// one buffer per thread).
    /// </summary>
    /// <returns>Image width and height, and the name of the format found.</returns>
    /// <exception cref="ImageDecodeException">As <see cref="Decode(byte[], string)"/>.</exception>
    internal (int Width, int Height, string Format) DecodeInto(byte[] data, int length, string sourceName, ref byte[]? gray)
    {
        if (length == 0)
        {
            throw new ImageDecodeException(sourceName, "file is empty (0 bytes), expected image data");
        }
        using var stream = new MemoryStream(data, 0, length, writable: false);
        string name = "image";
        try
        {
            if (Image.DetectFormat(configuration, data.AsSpan(0, length)) is { } detected) name = NameOf(detected);
            IImageInfo? info = Image.Identify(configuration, stream, out IImageFormat? format);
            if (info is null || format is null)
            {
                throw new ImageDecodeException(sourceName,
                    $"not a JPEG, PNG, BMP, GIF, TIFF or WebP file: starts with {Convert.ToHexString(data, 0, Math.Min(length, 8))}");
            }
            name = NameOf(format);
            long pixels = (long)info.Width * info.Height;
            if (pixels > MaxPixels || info.Width <= 0 || info.Height <= 0)
            {
                throw new ImageDecodeException(sourceName,
                    $"{name} header claims {info.Width}x{info.Height} = {pixels:N0} pixels, over the limit of {MaxPixels:N0} pixels; not decoded (raise the limit with --max-image-pixels, or ReadOptions.MaxImagePixels in code)");
            }
            if (ImageCompleteness.FindTruncation(data.AsSpan(0, length), name) is { } truncation)
            {
                throw new ImageDecodeException(sourceName, $"{name} file is truncated: {truncation}");
            }
            if (gray is null || gray.Length < pixels)
            {
                gray = new byte[Math.Max(pixels, gray?.Length * 2 ?? 0)];
            }
            stream.Position = 0;
            // A one-component JPEG holds the luma itself: decoding straight to L8 skips a 3x larger RGB copy.
            bool singleChannelJpeg = format is JpegFormat && info.PixelType?.BitsPerPixel == 8;
            using Image image = singleChannelJpeg ? Image.Load<L8>(configuration, stream) : Image.Load(configuration, stream);
            if (image.Width != info.Width || image.Height != info.Height)
            {
                throw new ImageDecodeException(sourceName, $"{name} header says {info.Width}x{info.Height}, its data decodes to {image.Width}x{image.Height}");
            }
            ToGray(image, gray.AsSpan(0, (int)pixels));
            return (image.Width, image.Height, name);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidMemoryOperationException)
        {
            // UnknownImageFormatException and InvalidImageContentException derive from ImageFormatException.
            throw new ImageDecodeException(sourceName, ex.Message.Split('\n')[0].Trim());
        }
        catch (Exception ex) when (ex is not (ImageDecodeException or OutOfMemoryException))
        {
            // Malformed data a decoder did not anticipate surfaces as whatever its code meets (fuzzing found a null reference in
            // ImageSharp 2.1.13's JPEG decoder and an argument error in its WebP decoder): one more file that cannot be decoded.
            // An argument exception's text names a parameter of ImageSharp's code, which says nothing to the reader: only its type is kept.
            string why = ex is ArgumentException ? ex.GetType().Name : $"{ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}";
            throw new ImageDecodeException(sourceName, $"{name} data is malformed (the decoder failed with {why})");
        }
    }

    /// <summary>PIL's convert("L") for every pixel type ImageSharp decodes to (see the class remarks).</summary>
    private static void ToGray(Image image, Span<byte> gray)
    {
        switch (image)
        {
            case Image<L8> l8:
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(Pixels(l8)).CopyTo(gray);
                break;
            case Image<L16> l16:
                ReadOnlySpan<L16> l16Pixels = Pixels(l16);
                for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(l16Pixels[i].PackedValue >> 8);
                break;
            case Image<La16> la16:
                ReadOnlySpan<La16> la16Pixels = Pixels(la16);
                for (int i = 0; i < gray.Length; i++) gray[i] = la16Pixels[i].L;
                break;
            case Image<La32> la32:
                ReadOnlySpan<La32> la32Pixels = Pixels(la32);
                for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(la32Pixels[i].L >> 8);
                break;
            case Image<Rgb24> rgb24:
                ReadOnlySpan<Rgb24> rgb24Pixels = Pixels(rgb24);
                for (int i = 0; i < gray.Length; i++) gray[i] = Luma(rgb24Pixels[i].R, rgb24Pixels[i].G, rgb24Pixels[i].B);
                break;
            case Image<Rgba32> rgba32:
                ReadOnlySpan<Rgba32> rgba32Pixels = Pixels(rgba32);
                for (int i = 0; i < gray.Length; i++) gray[i] = Luma(rgba32Pixels[i].R, rgba32Pixels[i].G, rgba32Pixels[i].B);
                break;
            case Image<Rgb48> rgb48:
                ReadOnlySpan<Rgb48> rgb48Pixels = Pixels(rgb48);
                for (int i = 0; i < gray.Length; i++) gray[i] = Luma(rgb48Pixels[i].R >> 8, rgb48Pixels[i].G >> 8, rgb48Pixels[i].B >> 8);
                break;
            case Image<Rgba64> rgba64:
                ReadOnlySpan<Rgba64> rgba64Pixels = Pixels(rgba64);
                for (int i = 0; i < gray.Length; i++) gray[i] = Luma(rgba64Pixels[i].R >> 8, rgba64Pixels[i].G >> 8, rgba64Pixels[i].B >> 8);
                break;
            default:
                // No decoder of ours produces another type today; convert through 8-bit RGB if one ever does.
                using (Image<Rgb24> rgb = image.CloneAs<Rgb24>())
                {
                    ToGray(rgb, gray);
                }
                break;
        }
    }

    /// <summary>All pixels, row-major: the configuration asks for contiguous buffers, which the pixel limit keeps possible.</summary>
    private static ReadOnlySpan<TPixel> Pixels<TPixel>(Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel> =>
        image.DangerousTryGetSinglePixelMemory(out Memory<TPixel> memory)
            ? memory.Span
            : throw new InvalidOperationException($"ImageSharp returned a {image.Width}x{image.Height} image in several buffers");

    /// <summary>ImageSharp's format name, with WebP spelled as its authors spell it (ImageSharp says "Webp").</summary>
    private static string NameOf(IImageFormat format) => format is WebpFormat ? "WebP" : format.Name;

    /// <summary>PIL's L24: BT.601 luma in 16-bit fixed point, rounded (libImaging/Convert.c, rgb2l).</summary>
    internal static byte Luma(int r, int g, int b) => (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}
