using System.Runtime.InteropServices;

namespace NativeCnn.Data.Codecs;

/// <summary>
/// Minimal bindings to libjpeg-turbo's TurboJPEG 2.x C API (turbojpeg.h). Only decompression is
/// bound. <c>unsigned long</c> sizes are 64-bit on LP64 Linux, hence <see cref="nuint"/>.
/// </summary>
internal static unsafe partial class TurboJpegNative
{
    /// <summary>TJPF_GRAY: one 8-bit luminance sample per pixel; colour JPEGs are converted.</summary>
    internal const int PixelFormatGray = 6;

    /// <summary>TJERR_FATAL from tjGetErrorCode; TJERR_WARNING is 0.</summary>
    internal const int ErrorFatal = 1;

    static TurboJpegNative() => NativeLibraries.EnsureResolver();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitDecompress")]
    internal static partial IntPtr InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompressHeader3")]
    internal static partial int DecompressHeader3(IntPtr handle, byte* jpegBuf, nuint jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompress2")]
    internal static partial int Decompress2(IntPtr handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorStr2")]
    internal static partial IntPtr GetErrorStr2(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorCode")]
    internal static partial int GetErrorCode(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDestroy")]
    internal static partial int Destroy(IntPtr handle);
}
