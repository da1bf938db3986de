using System.Runtime.InteropServices;

namespace NativeCnn.Data.Codecs;

/// <summary>
/// Bindings to libpng 1.6's "simplified API" (png.h, png_image_*). The simplified API does its own
/// setjmp/longjmp error handling internally and reports failure through the return value and
/// <see cref="PngImage.WarningOrError"/>/<see cref="PngImage.Message"/>, so no callbacks cross
/// the managed boundary.
/// </summary>
internal static unsafe partial class PngNative
{
    /// <summary>PNG_IMAGE_VERSION: the struct layout below.</summary>
    internal const uint ImageVersion = 1;

    /// <summary>PNG_FORMAT_GRAY: one 8-bit sample per pixel.</summary>
    internal const uint FormatGray = 0;

    /// <summary>PNG_FORMAT_RGB (PNG_FORMAT_FLAG_COLOR): three 8-bit samples per pixel, R then G then B.</summary>
    internal const uint FormatRgb = 2;

    static PngNative() => NativeLibraries.EnsureResolver();

    /// <summary>
    /// png_image, field for field as in png.h 1.6.39: the opaque pointer comes FIRST, then
    /// version. 8 + 7*4 + 64 = 100 bytes, padded to 104 on x64.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PngImage
    {
        public IntPtr Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];
    }

    [LibraryImport(NativeLibraries.Png, EntryPoint = "png_image_begin_read_from_memory")]
    internal static partial int ImageBeginReadFromMemory(PngImage* image, byte* memory, nuint size);

    [LibraryImport(NativeLibraries.Png, EntryPoint = "png_image_finish_read")]
    internal static partial int ImageFinishRead(PngImage* image, void* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(NativeLibraries.Png, EntryPoint = "png_image_write_to_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ImageWriteToFile(PngImage* image, string file, int convertTo8Bit, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(NativeLibraries.Png, EntryPoint = "png_image_write_to_memory")]
    internal static partial int ImageWriteToMemory(PngImage* image, byte* memory, nuint* memoryBytes, int convertTo8Bit, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(NativeLibraries.Png, EntryPoint = "png_image_free")]
    internal static partial void ImageFree(PngImage* image);

    /// <summary>Reads the NUL-terminated <c>message</c> field, which libpng fills on warning or error.</summary>
    internal static string MessageOf(PngImage* image)
    {
        // Bounded read: never trust a NUL terminator to be inside the 64-byte field.
        var field = new ReadOnlySpan<byte>(image->Message, 64);
        int end = field.IndexOf((byte)0);
        string text = System.Text.Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
        return text.Length == 0 ? "unknown libpng error" : text;
    }
}
