using System.Buffers.Binary;
using System.Text.Json;

namespace NativeCnn.Engine.Serialization;

public static partial class SafeTensorsFile
{
    /// <summary>
    /// Reads and validates a safetensors file. Every structural rule of the format is checked:
    /// the length prefix fits the file (and <see cref="MaxHeaderBytes"/>), the header is UTF-8
    /// JSON whose root is an object, names are unique, each entry has a known dtype, a shape of
    /// non-negative integers and two offsets whose span is exactly product(shape) * element size,
    /// the tensors tile the data buffer from 0 to its end with no gap or overlap, and
    /// <c>__metadata__</c>, if present, is an object of strings. Unknown extra keys inside a
    /// tensor entry are ignored, as the reference implementation does.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors (by name and in data order) and the metadata.</returns>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>; the message and
    /// <see cref="FileNotFoundException.FileName"/> give the full path.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file exists but is not a valid safetensors file;
    /// the message names the file and the problem.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);

        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Invalid(path, $"the file is {fileLength} bytes long, shorter than the 8-byte header length");
        Span<byte> lengthPrefix = stackalloc byte[8];
        stream.ReadExactly(lengthPrefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthPrefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw Invalid(path, $"the header length {headerLength} is larger than the {fileLength - 8} bytes after the length prefix");
        if (headerLength > MaxHeaderBytes)
            throw Invalid(path, $"the header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long bufferLength = fileLength - 8 - (long)headerLength;

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(path, header, bufferLength);
        CheckTiling(path, entries, bufferLength);

        // After CheckTiling the entries, sorted by offset, cover the buffer contiguously, so the
        // stream can be read straight through.
        var tensors = new List<SafeTensor>(entries.Count);
        foreach (Entry entry in entries)
        {
            var data = new byte[entry.End - entry.Begin];
            stream.ReadExactly(data);
            tensors.Add(new SafeTensor(entry.Name, entry.DType, entry.Shape, data));
        }

        return new SafeTensorsContent(tensors, metadata);
    }

    /// <summary>One validated header entry: a tensor's name, type, shape and byte range.</summary>
    private sealed record Entry(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End);

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header, long bufferLength)
    {
        // JsonDocument defers decoding of string contents, so bad UTF-8 inside a key would only
        // surface later as an InvalidOperationException; check the whole header first.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw Invalid(path, "the header is not valid UTF-8 JSON (invalid UTF-8 bytes)");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({ErrorText.OneLine(e.Message)})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Invalid(path, $"the header is a JSON {document.RootElement.ValueKind}, not an object");

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys, so the check is ours.
                if (!seen.Add(property.Name))
                    throw Invalid(path, $"the header contains the key '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ParseMetadata(path, property.Value, metadata);
                else
                    entries.Add(ParseEntry(path, property.Name, property.Value, bufferLength));
            }

            return (entries, metadata);
        }
    }

    private static void ParseMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(path, $"'{MetadataKey}' is a JSON {value.ValueKind}, not an object");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Invalid(path, $"metadata value '{item.Name}' is a JSON {item.Value.ValueKind}; metadata values must be strings");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Invalid(path, $"metadata key '{item.Name}' appears twice");
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement value, long bufferLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(path, $"tensor '{name}' is a JSON {value.ValueKind}, not an object");

        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(path, $"tensor '{name}' has no string \"dtype\"");
        string dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorDTypeExtensions.TryParseHeaderName(dtypeName, out SafeTensorDType dtype))
            throw Invalid(path, $"tensor '{name}' has unknown dtype '{dtypeName}'");

        if (!value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Invalid(path, $"tensor '{name}' has no \"shape\" array");
        var shape = new int[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out shape[i]) || shape[i] < 0)
                throw Invalid(path, $"tensor '{name}' has shape entry {ErrorText.OneLine(dim.GetRawText(), 60)}, not a non-negative 32-bit integer");
            i++;
        }

        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw Invalid(path, $"tensor '{name}' has no \"data_offsets\" array of two integers");
        long begin = ReadOffset(path, name, offsets[0]);
        long end = ReadOffset(path, name, offsets[1]);
        if (begin > end)
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
        if (end > bufferLength)
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] beyond the {bufferLength}-byte data buffer");

        long? byteCount = ElementCount(shape) is long elements ? ByteCount(elements, dtype) : null;
        if (byteCount != end - begin)
            throw Invalid(path,
                $"tensor '{name}' of dtype {dtypeName} and shape [{string.Join(", ", shape)}] needs {byteCount?.ToString() ?? "too many"} bytes " +
                $"but its data_offsets [{begin}, {end}] span {end - begin}");

        return new Entry(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(string path, string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long offset) || offset < 0)
            throw Invalid(path, $"tensor '{name}' has data offset {ErrorText.OneLine(element.GetRawText(), 60)}, not a non-negative integer");
        return offset;
    }

    /// <summary>
    /// Sorts <paramref name="entries"/> by offset and checks that they cover the data buffer
    /// exactly: the first starts at 0, each starts where the previous ended, the last ends at
    /// the end of the file. This rules out overlaps (two tensors sharing bytes), gaps and
    /// trailing bytes, as the reference implementation does.
    /// </summary>
    private static void CheckTiling(string path, List<Entry> entries, long bufferLength)
    {
        // Stable sort keeps header order among zero-length tensors that share an offset.
        Entry[] sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        long expectedBegin = 0;
        string? previous = null;
        foreach (Entry entry in sorted)
        {
            if (entry.Begin < expectedBegin)
                throw Invalid(path, $"tensor '{entry.Name}' at [{entry.Begin}, {entry.End}] overlaps tensor '{previous}' which ends at {expectedBegin}");
            if (entry.Begin > expectedBegin)
                throw Invalid(path, $"bytes [{expectedBegin}, {entry.Begin}) of the data buffer belong to no tensor (gap before '{entry.Name}')");
            expectedBegin = entry.End;
            previous = entry.Name;
        }

        if (expectedBegin != bufferLength)
            throw Invalid(path, $"the tensors cover {expectedBegin} bytes but the data buffer has {bufferLength} (trailing bytes)");

        entries.Clear();
        entries.AddRange(sorted);
    }

    private static CheckpointFormatException Invalid(string path, string problem, Exception? inner = null) =>
        new(path, problem, inner);
}
