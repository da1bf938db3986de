using System.Runtime.InteropServices;

namespace NativeCnn.Data.Codecs;

/// <summary>
/// Decodes JPEG bytes straight to 8-bit grayscale with libjpeg-turbo (TurboJPEG API, TJPF_GRAY).
/// Colour JPEGs are converted to luminance by the library; any size is accepted.
/// </summary>
/// <remarks>
/// One instance owns one native decompressor handle and is NOT thread-safe: give each worker
/// thread its own instance. Library warnings (for example "Premature end of JPEG file" on a
/// truncated file) are treated as errors, because the decoder then fills the missing rows with
/// invented gray and a training set must never contain invented pixels.
/// Native library: libturbojpeg.so.0 (Debian package <c>libturbojpeg0</c>); if missing, the first
/// call throws <see cref="DllNotFoundException"/> naming the package.
/// </remarks>
public sealed class TurboJpeg : IDisposable
{
    private IntPtr handle;

    /// <summary>Creates a decompressor handle (tjInitDecompress).</summary>
    /// <exception cref="DllNotFoundException">libturbojpeg.so.0 is not installed.</exception>
    /// <exception cref="InvalidOperationException">The library could not create a handle (out of memory).</exception>
    public TurboJpeg()
    {
        handle = TurboJpegNative.InitDecompress();
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("tjInitDecompress failed: " + ErrorString(IntPtr.Zero));
        }
    }

    /// <summary>Reads the image size from the JPEG header without decoding pixels (tjDecompressHeader3).</summary>
    /// <param name="jpeg">The complete JPEG file contents.</param>
    /// <param name="sourceName">File name used in error messages.</param>
    /// <returns>Width and height in pixels.</returns>
    /// <exception cref="ImageDecodeException">The data is empty or has no valid JPEG header.</exception>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public unsafe (int Width, int Height) ReadSize(ReadOnlySpan<byte> jpeg, string sourceName)
    {
        IntPtr h = LiveHandle();
        if (jpeg.IsEmpty)
        {
            throw new ImageDecodeException(sourceName, "file is empty (0 bytes), expected JPEG data");
        }
        fixed (byte* src = jpeg)
        {
            if (TurboJpegNative.DecompressHeader3(h, src, (nuint)jpeg.Length, out int width, out int height, out _, out _) != 0)
            {
                throw new ImageDecodeException(sourceName, ErrorString(h));
            }
            return (width, height);
        }
    }

    /// <summary>
    /// Decodes into a caller-owned buffer, avoiding allocation in bulk loaders. Call
    /// <see cref="ReadSize"/> first to size the buffer.
    /// </summary>
    /// <param name="jpeg">The complete JPEG file contents.</param>
    /// <param name="width">Image width from <see cref="ReadSize"/>.</param>
    /// <param name="height">Image height from <see cref="ReadSize"/>.</param>
    /// <param name="destination">Receives width*height gray bytes, row-major [H, W].</param>
    /// <param name="sourceName">File name used in error messages.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than width*height.</exception>
    /// <exception cref="ImageDecodeException">The data is corrupt or truncated (libjpeg-turbo error or warning).</exception>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public unsafe void DecodeGray(ReadOnlySpan<byte> jpeg, int width, int height, Span<byte> destination, string sourceName)
    {
        IntPtr h = LiveHandle();
        if ((long)width * height > destination.Length)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} bytes, a {width}x{height} gray image needs {(long)width * height}.",
                nameof(destination));
        }
        if (jpeg.IsEmpty)
        {
            throw new ImageDecodeException(sourceName, "file is empty (0 bytes), expected JPEG data");
        }
        fixed (byte* src = jpeg)
        fixed (byte* dst = destination)
        {
            // pitch = width: rows are packed with no padding.
            int rc = TurboJpegNative.Decompress2(h, src, (nuint)jpeg.Length, dst, width, width, height,
                TurboJpegNative.PixelFormatGray, 0);
            if (rc != 0)
            {
                string kind = TurboJpegNative.GetErrorCode(h) == TurboJpegNative.ErrorFatal ? "error" : "warning (data corrupt or truncated)";
                throw new ImageDecodeException(sourceName, $"libjpeg-turbo {kind}: {ErrorString(h)}");
            }
        }
    }

    /// <summary>Decodes a JPEG of any size and colour space to a new 8-bit grayscale image.</summary>
    /// <param name="jpeg">The complete JPEG file contents.</param>
    /// <param name="sourceName">File name used in error messages.</param>
    /// <returns>A one-channel image, [H, W] row-major bytes.</returns>
    /// <exception cref="ImageDecodeException">The data is empty, corrupt or truncated.</exception>
    /// <exception cref="ObjectDisposedException">The decoder was disposed.</exception>
    public DecodedImage DecodeGray(ReadOnlySpan<byte> jpeg, string sourceName)
    {
        (int width, int height) = ReadSize(jpeg, sourceName);
        var pixels = new byte[checked(width * height)];
        DecodeGray(jpeg, width, height, pixels, sourceName);
        return new DecodedImage(pixels, width, height, 1);
    }

    /// <summary>Reads and decodes a JPEG file to 8-bit grayscale.</summary>
    /// <param name="path">Path of the JPEG file.</param>
    /// <returns>A one-channel image, [H, W] row-major bytes.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ImageDecodeException">The file is empty, corrupt or truncated; the message names <paramref name="path"/>.</exception>
    public DecodedImage DecodeGrayFile(string path) => DecodeGray(File.ReadAllBytes(path), path);

    /// <summary>Frees the native handle (tjDestroy). Safe to call more than once.</summary>
    public void Dispose()
    {
        IntPtr h = handle;
        handle = IntPtr.Zero;
        if (h != IntPtr.Zero)
        {
            TurboJpegNative.Destroy(h);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the handle if the owner forgot to dispose.</summary>
    ~TurboJpeg()
    {
        if (handle != IntPtr.Zero)
        {
            TurboJpegNative.Destroy(handle);
        }
    }

    private IntPtr LiveHandle()
    {
        ObjectDisposedException.ThrowIf(handle == IntPtr.Zero, this);
        return handle;
    }

    private static string ErrorString(IntPtr h)
    {
        string? text = Marshal.PtrToStringUTF8(TurboJpegNative.GetErrorStr2(h));
        return string.IsNullOrEmpty(text) ? "unknown libjpeg-turbo error" : text;
    }
}
