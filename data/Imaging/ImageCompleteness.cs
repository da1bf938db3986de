using System.Buffers.Binary;

namespace NativeCnn.Data.Imaging;

/// <summary>
/// Tells whether an image file holds all the data its own structure promises. ImageSharp decodes
/// a truncated file without complaint and fills the missing part with invented pixels (measured:
/// a FER-2013 JPEG cut in half decodes "fine"); PIL refuses such a file ("image file is
/// truncated"), and a training set must never contain invented pixels, so each reader runs this
/// check before decoding.
/// </summary>
/// <remarks>
/// Per format, what "complete" means:
/// <list type="bullet">
/// <item>JPEG: an EOI marker (FF D9) after the last start-of-scan (FF DA). Entropy-coded data
/// escapes every FF, so neither marker can appear inside a scan by accident.</item>
/// <item>PNG: the chunk chain reaches IEND with every chunk inside the file.</item>
/// <item>GIF: the first image's data sub-blocks end (only the first frame is decoded).</item>
/// <item>WebP: the RIFF size field fits in the file.</item>
/// <item>BMP: the pixel array (uncompressed: row stride times height; compressed: its stated
/// size) fits after its offset.</item>
/// <item>TIFF: every strip or tile of the first image lies inside the file.</item>
/// </list>
/// </remarks>
internal static class ImageCompleteness
{
    /// <summary>Why the file is truncated, or null when it is complete (or of a format not checked here).</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="format">The format's name: JPEG, PNG, GIF, WebP, BMP or TIFF.</param>
    /// <returns>A short reason such as "no end-of-image marker after the last scan", or null.</returns>
    public static string? FindTruncation(ReadOnlySpan<byte> data, string format)
    {
        try
        {
            return format switch
            {
                "JPEG" => Jpeg(data),
                "PNG" => Png(data),
                "GIF" => Gif(data),
                "WebP" => WebP(data),
                "BMP" => Bmp(data),
                "TIFF" => Tiff(data),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            // A length field pointed outside the file while walking it.
            return $"a length field points past the end of the {data.Length}-byte file";
        }
    }

    private static string? Jpeg(ReadOnlySpan<byte> data)
    {
        int lastScan = data.LastIndexOf([(byte)0xFF, (byte)0xDA]);
        if (lastScan < 0)
        {
            return "no start-of-scan marker: the file ends before any image data";
        }
        return data.LastIndexOf([(byte)0xFF, (byte)0xD9]) > lastScan ? null : "no end-of-image marker after the last scan";
    }

    private static string? Png(ReadOnlySpan<byte> data)
    {
        long offset = 8;
        while (offset + 8 <= data.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)offset, 4));
            string type = System.Text.Encoding.ASCII.GetString(data.Slice((int)offset + 4, 4));
            long end = offset + 12 + size;
            if (end > data.Length)
            {
                // A chunk type is four letters; damaged ones may hold any byte, which a message shows in hex.
                string shown = type.All(char.IsAsciiLetter) ? type : "0x" + Convert.ToHexString(data.Slice((int)offset + 4, 4));
                return $"the {shown} chunk at byte {offset} needs {12 + size} bytes, {data.Length - offset} are left";
            }
            if (type == "IEND")
            {
                return null;
            }
            offset = end;
        }
        return "the file ends before the IEND chunk";
    }

    private static string? Gif(ReadOnlySpan<byte> data)
    {
        int offset = 13 + ColorTableSize(data[10]);
        while (true)
        {
            byte block = data[offset];
            if (block == 0x21)
            {
                offset = SkipSubBlocks(data, offset + 2);
            }
            else if (block == 0x2C)
            {
                offset += 10 + ColorTableSize(data[offset + 9]) + 1;
                return SkipSubBlocks(data, offset) <= data.Length ? null : "the first frame's image data is cut off";
            }
            else
            {
                return $"no image before block 0x{block:X2} at byte {offset}";
            }
        }

        static int ColorTableSize(byte packed) => (packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0;
    }

    /// <summary>Offset just past a chain of GIF data sub-blocks (size byte, data, ..., 0); throws past the end.</summary>
    private static int SkipSubBlocks(ReadOnlySpan<byte> data, int offset)
    {
        while (data[offset] is var size && size != 0)
        {
            offset += 1 + size;
        }
        return offset + 1;
    }

    private static string? WebP(ReadOnlySpan<byte> data)
    {
        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4));
        return 8 + riffSize <= data.Length ? null : $"the RIFF header promises {8 + riffSize} bytes, the file has {data.Length}";
    }

    private static string? Bmp(ReadOnlySpan<byte> data)
    {
        long pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10, 4));
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(14, 4));
        long width, height, bitsPerPixel, compression = 0, imageSize = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(18, 2));
            height = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(20, 2));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(24, 2));
        }
        else
        {
            width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18, 4)));
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22, 4)));
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28, 2));
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(30, 4));
            imageSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(34, 4));
        }
        // BI_RGB (0) and BI_BITFIELDS (3, 6) store rows padded to 4 bytes; RLE and embedded JPEG/PNG state their size.
        long pixelBytes = compression is 0 or 3 or 6 ? (bitsPerPixel * width + 31) / 32 * 4 * height : imageSize;
        return pixelOffset + pixelBytes <= data.Length
            ? null
            : $"the pixel array needs bytes {pixelOffset} to {pixelOffset + pixelBytes}, the file has {data.Length}";
    }

    private static string? Tiff(ReadOnlySpan<byte> data)
    {
        bool little = data[0] == (byte)'I';
        if (ReadUInt(data, 2, 2, little) != 42)
        {
            return null; // BigTIFF: not checked.
        }
        long ifd = ReadUInt(data, 4, 4, little);
        int entries = (int)ReadUInt(data, (int)ifd, 2, little);
        long[]? offsets = null, counts = null;
        for (int e = 0; e < entries; e++)
        {
            int entry = (int)ifd + 2 + 12 * e;
            uint tag = ReadUInt(data, entry, 2, little);
            if (tag is 273 or 324)
            {
                offsets = ReadValues(data, entry, little);
            }
            else if (tag is 279 or 325)
            {
                counts = ReadValues(data, entry, little);
            }
        }
        if (offsets is null || counts is null || offsets.Length != counts.Length)
        {
            return null; // Malformed beyond truncation: the decoder reports it.
        }
        for (int i = 0; i < offsets.Length; i++)
        {
            if (offsets[i] + counts[i] > data.Length)
            {
                return $"strip {i} needs bytes {offsets[i]} to {offsets[i] + counts[i]}, the file has {data.Length}";
            }
        }
        return null;
    }

    /// <summary>The SHORT or LONG values of a TIFF directory entry, inline when they fit in 4 bytes.</summary>
    private static long[] ReadValues(ReadOnlySpan<byte> data, int entry, bool little)
    {
        uint type = ReadUInt(data, entry + 2, 2, little);
        int count = checked((int)ReadUInt(data, entry + 4, 4, little));
        int size = type == 3 ? 2 : 4;
        int start = (long)count * size <= 4 ? entry + 8 : (int)ReadUInt(data, entry + 8, 4, little);
        var values = new long[Math.Min(count, data.Length / size)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadUInt(data, start + i * size, size, little);
        }
        return values;
    }

    private static uint ReadUInt(ReadOnlySpan<byte> data, int offset, int size, bool little)
    {
        ReadOnlySpan<byte> bytes = data.Slice(offset, size);
        return size == 2
            ? little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes)
            : little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
