using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NativeCnn.Bench.Fuzzing;

/// <summary>
/// Turns a real file into a hostile one, the way files break in the wild and the way an attacker edits them: bit flips,
/// bytes set to boundary values, truncation, splices of two files, a repeated slice, and edits of the format's header
/// fields (image sizes, chunk and segment lengths, the safetensors header length and its JSON, numbers in text formats)
/// to boundary values such as 0, 65535, 2^31 - 1 or 2^63. One call applies one to three of them, chosen by the generator.
/// </summary>
public static partial class Mutator
{
    /// <summary>Values that sit on a boundary somewhere: zero, one, byte and 16-bit edges, 32-bit and 64-bit signed and unsigned edges.</summary>
    private static readonly long[] Interesting = [0, 1, 2, 7, 255, 256, 4095, 65535, 65536, 46000, 60000, int.MaxValue, 1L << 31, uint.MaxValue, 1L << 40, long.MaxValue];

    /// <summary>Numbers a text format may not expect where an integer belongs.</summary>
    private static readonly string[] InterestingText =
        ["0", "-1", "2147483647", "2147483648", "-2147483648", "4294967296", "9223372036854775807", "1e309", "3.5", "-0", "NaN", "\"7\"", "null", "[]", "{}", "1" + new string('0', 400)];

    /// <summary>The format-aware edits of one file type: given the bytes and the generator, a copy with header fields changed.</summary>
    /// <param name="Name">Short name for reports, e.g. "jpeg-frame-size".</param>
    /// <param name="Apply">Returns the edited copy, or null when the file has no such field.</param>
    public sealed record HeaderEdit(string Name, Func<byte[], Random, byte[]?> Apply);

    /// <summary>One to three mutations of <paramref name="input"/>; <paramref name="other"/> is a second real file to splice with.</summary>
    /// <returns>The mutated bytes and what was done, e.g. "bit-flip(3) + truncate(812)".</returns>
    public static (byte[] Bytes, string Description) Mutate(byte[] input, byte[] other, IReadOnlyList<HeaderEdit> headerEdits, Random random)
    {
        byte[] data = input;
        var done = new List<string>();
        int count = 1 + (random.Next(4) == 0 ? random.Next(1, 3) : 0);
        for (int i = 0; i < count; i++)
        {
            // Header edits get a third of the draws: they reach the code behind a format's first checks, which random bytes rarely pass.
            int choice = random.Next(headerEdits.Count > 0 ? 9 : 6);
            (data, string what) = choice switch
            {
                0 => FlipBits(data, random),
                1 => SetBytes(data, random),
                2 => Truncate(data, random),
                3 => Splice(data, other, random),
                4 => Repeat(data, random),
                5 => InsertRandom(data, random),
                _ => EditHeader(data, headerEdits, random),
            };
            done.Add(what);
        }
        return (data, string.Join(" + ", done));
    }

    private static (byte[], string) FlipBits(byte[] data, Random random)
    {
        if (data.Length == 0) return (data, "bit-flip(none)");
        byte[] copy = [.. data];
        int flips = 1 + random.Next(8);
        for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return (copy, $"bit-flip({flips})");
    }

    private static (byte[], string) SetBytes(byte[] data, Random random)
    {
        if (data.Length == 0) return (data, "set-bytes(none)");
        byte[] copy = [.. data];
        int at = random.Next(copy.Length), n = Math.Min(copy.Length - at, 1 + random.Next(4));
        byte value = (byte)(random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 });
        copy.AsSpan(at, n).Fill(value);
        return (copy, $"set-bytes({at}, {n} x 0x{value:X2})");
    }

    private static (byte[], string) Truncate(byte[] data, Random random)
    {
        int length = random.Next(data.Length + 1);
        return (data[..length], $"truncate({length} of {data.Length})");
    }

    private static (byte[], string) Splice(byte[] data, byte[] other, Random random)
    {
        int a = random.Next(data.Length + 1), b = random.Next(other.Length + 1);
        return ([.. data.AsSpan(0, a), .. other.AsSpan(b)], $"splice({a}, other from {b})");
    }

    private static (byte[], string) Repeat(byte[] data, Random random)
    {
        if (data.Length == 0) return (data, "repeat(none)");
        int at = random.Next(data.Length), n = Math.Min(data.Length - at, 1 + random.Next(256)), times = 1 + random.Next(16);
        var result = new List<byte>(data.Length + n * times);
        result.AddRange(data.AsSpan(0, at + n));
        for (int i = 0; i < times; i++) result.AddRange(data.AsSpan(at, n));
        result.AddRange(data.AsSpan(at + n));
        return ([.. result], $"repeat({at}, {n} bytes x {times})");
    }

    private static (byte[], string) InsertRandom(byte[] data, Random random)
    {
        int at = random.Next(data.Length + 1);
        var junk = new byte[1 + random.Next(64)];
        random.NextBytes(junk);
        return ([.. data.AsSpan(0, at), .. junk, .. data.AsSpan(at)], $"insert({at}, {junk.Length} random bytes)");
    }

    private static (byte[], string) EditHeader(byte[] data, IReadOnlyList<HeaderEdit> edits, Random random)
    {
        var edit = edits[random.Next(edits.Count)];
        return edit.Apply(data, random) is { } edited ? (edited, edit.Name) : FlipBits(data, random);
    }

    /// <summary>A boundary value, sometimes nudged by one.</summary>
    public static long InterestingValue(Random random) => Interesting[random.Next(Interesting.Length)] + (random.Next(4) == 0 ? random.Next(-1, 2) : 0);

    // ---- JPEG: the frame header's height and width, and any segment's length ----

    /// <summary>JPEG edits: the SOF height and width (the 46000x46000 header of a 1.5 KB file), and a segment length.</summary>
    public static IReadOnlyList<HeaderEdit> Jpeg { get; } =
    [
        new("jpeg-frame-size", (data, random) => JpegSegment(data, m => m is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC, random) is int sof && sof + 9 <= data.Length
            ? Patched(data, sof + 5, b => { BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)InterestingValue(random)); BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)InterestingValue(random)); })
            : null),
        new("jpeg-segment-length", (data, random) => JpegSegment(data, _ => true, random) is int at && at + 4 <= data.Length
            ? Patched(data, at + 2, b => BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)InterestingValue(random)))
            : null),
    ];

    // The offset of a random marker segment whose code satisfies the predicate, walking the segment chain from SOI.
    private static int? JpegSegment(byte[] data, Func<int, bool> wanted, Random random)
    {
        var found = new List<int>();
        for (int i = 2; i + 4 <= data.Length && data[i] == 0xFF;)
        {
            int marker = data[i + 1];
            if (wanted(marker)) found.Add(i);
            if (marker == 0xDA) break; // entropy-coded data follows
            i += 2 + (data[i + 2] << 8 | data[i + 3]);
        }
        return found.Count == 0 ? null : found[random.Next(found.Count)];
    }

    // ---- PNG: IHDR's size and bit depth (with a valid CRC, so the decoder believes them), and a chunk length ----

    /// <summary>PNG edits: IHDR width, height, bit depth and colour type with the CRC recomputed, and a chunk length.</summary>
    public static IReadOnlyList<HeaderEdit> Png { get; } =
    [
        new("png-ihdr", (data, random) =>
        {
            if (data.Length < 33 || Encoding.ASCII.GetString(data, 12, 4) != "IHDR") return null;
            byte[] copy = [.. data];
            switch (random.Next(3))
            {
                case 0: BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), (uint)InterestingValue(random)); break;
                case 1: BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), (uint)InterestingValue(random)); break;
                default: copy[24 + random.Next(5)] = (byte)InterestingValue(random); break;
            }
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(copy.AsSpan(12, 17)));
            return copy;
        }),
        new("png-chunk-length", (data, random) =>
        {
            var chunks = new List<int>();
            for (long at = 8; at + 12 <= data.Length; at += 12L + BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan((int)at))) chunks.Add((int)at);
            return chunks.Count == 0 ? null : Patched(data, chunks[random.Next(chunks.Count)], b => BinaryPrimitives.WriteUInt32BigEndian(b, (uint)InterestingValue(random)));
        }),
    ];

    // ---- WebP: the RIFF size, the chunk size and the VP8/VP8L frame size ----

    /// <summary>WebP edits: the RIFF and chunk sizes, and the frame width and height bits of VP8 and VP8L.</summary>
    public static IReadOnlyList<HeaderEdit> Webp { get; } =
    [
        new("webp-riff-size", (data, random) => data.Length >= 8 ? Patched(data, 4, b => BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)InterestingValue(random))) : null),
        new("webp-chunk-size", (data, random) => data.Length >= 20 ? Patched(data, 16, b => BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)InterestingValue(random))) : null),
        new("webp-frame-size", (data, random) =>
        {
            if (data.Length < 30) return null;
            string chunk = Encoding.ASCII.GetString(data, 12, 4);
            // VP8: 14-bit width and height at 26 and 28; VP8L: 14-bit width-1 and height-1 packed from byte 21.
            int at = chunk == "VP8 " ? 26 + 2 * random.Next(2) : chunk == "VP8L" ? 21 + random.Next(4) : -1;
            return at < 0 ? null : Patched(data, at, b => BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)InterestingValue(random)));
        }),
    ];

    // ---- safetensors: the 8-byte header length, and numbers, dtypes and names inside the JSON header ----

    /// <summary>safetensors edits: the header-length prefix, and the JSON header's numbers (shapes, offsets), dtypes and metadata text.</summary>
    public static IReadOnlyList<HeaderEdit> SafeTensors { get; } =
    [
        new("safetensors-header-length", (data, random) => data.Length >= 8
            ? Patched(data, 0, b => BinaryPrimitives.WriteInt64LittleEndian(b, random.Next(3) == 0 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(data) + random.Next(-9, 10) : InterestingValue(random)))
            : null),
        new("safetensors-header-json", (data, random) =>
        {
            if (data.Length < 8) return null;
            long length = (long)BinaryPrimitives.ReadUInt64LittleEndian(data);
            if (length <= 0 || length > data.Length - 8) return null;
            string header = Encoding.UTF8.GetString(data, 8, (int)length);
            string edited = EditText(header, random, jsonInString: true);
            byte[] bytes = Encoding.UTF8.GetBytes(edited);
            var prefix = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)bytes.Length);
            return [.. prefix, .. bytes, .. data.AsSpan(8 + (int)length)];
        }),
    ];

    // ---- text formats: numbers, separators, quotes, lines ----

    /// <summary>Text edits (CSV, legend, architecture JSON): a number replaced by a boundary value, a line doubled or dropped, a quote or separator inserted.</summary>
    public static IReadOnlyList<HeaderEdit> Text { get; } =
    [
        new("text-edit", (data, random) => Encoding.UTF8.GetBytes(EditText(Encoding.UTF8.GetString(data), random, jsonInString: false))),
    ];

    private static string EditText(string text, Random random, bool jsonInString)
    {
        var numbers = Number().Matches(text);
        switch (random.Next(jsonInString ? 3 : 5))
        {
            case 0 when numbers.Count > 0:
                var number = numbers[random.Next(numbers.Count)];
                // Inside the safetensors header the metadata values are JSON strings holding JSON: escape what is put there.
                string value = InterestingText[random.Next(InterestingText.Length)];
                if (jsonInString && InsideString(text, number.Index)) value = value.Replace("\"", "\\\"");
                return text[..number.Index] + value + text[(number.Index + number.Length)..];
            case 1:
                var dtypes = Dtype().Matches(text);
                if (dtypes.Count == 0) goto default;
                var dtype = dtypes[random.Next(dtypes.Count)];
                string[] names = ["F64", "F16", "BF16", "I8", "U8", "I64", "BOOL", "F8_E4M3", "X32", ""];
                return text[..dtype.Groups[1].Index] + names[random.Next(names.Length)] + text[(dtype.Groups[1].Index + dtype.Groups[1].Length)..];
            case 3:
                string[] lines = text.Split('\n');
                int line = random.Next(lines.Length);
                return string.Join('\n', random.Next(2) == 0 ? [.. lines[..line], lines[line], .. lines[line..]] : [.. lines[..line], .. lines[(line + 1)..]]);
            case 4:
                string[] inserts = [",", "\"", ",,", "\r", "\t", "\u00e9", "\uFEFF", "\0"];
                int at = random.Next(text.Length + 1);
                return text[..at] + inserts[random.Next(inserts.Length)] + text[at..];
            default:
                var numbers2 = numbers.Count > 0 ? numbers : null;
                if (numbers2 is null) return text + InterestingText[random.Next(InterestingText.Length)];
                var n = numbers2[random.Next(numbers2.Count)];
                long parsed = long.TryParse(n.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;
                return text[..n.Index] + (parsed * (random.Next(2) == 0 ? 1000 : -1)).ToString(CultureInfo.InvariantCulture) + text[(n.Index + n.Length)..];
        }
    }

    private static bool InsideString(string text, int index)
    {
        bool inside = false;
        for (int i = 0; i < index; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') inside = !inside;
        }
        return inside;
    }

    private static byte[] Patched(byte[] data, int at, SpanAction write)
    {
        byte[] copy = [.. data];
        write(copy.AsSpan(at));
        return copy;
    }

    private delegate void SpanAction(Span<byte> target);

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex("\"dtype\":\"([A-Z0-9_]+)\"")]
    private static partial Regex Dtype();
}
