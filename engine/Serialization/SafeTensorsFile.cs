using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Reads and writes the <c>.safetensors</c> format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON mapping each tensor
/// name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the
/// data buffer), plus an optional <c>"__metadata__"</c> object of string values; then the data
/// buffer, each tensor's little-endian bytes back to back. Files written here open in
/// PyTorch/NumPy via the <c>safetensors</c> Python package.
/// </summary>
public static partial class SafeTensorsFile
{
    /// <summary>The reserved header key holding the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Largest header accepted when reading, 100,000,000 bytes (the reference implementation's
    /// limit): a corrupt length prefix must not make us allocate gigabytes.
    /// </summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>The header (and so the start of the data buffer) is padded with spaces to a multiple of this.</summary>
    public const int HeaderAlignment = 8;

    /// <summary>
    /// Writes <paramref name="tensors"/>, in the given order, and <paramref name="metadata"/> to
    /// <paramref name="path"/> atomically: everything goes to a temporary file
    /// <c>.{file name}.{random}.tmp</c> in the same directory, which is flushed to disk and then
    /// renamed over <paramref name="path"/>. Readers therefore see either the old file or the
    /// complete new one. On any failure the temporary file is deleted and an existing file at
    /// <paramref name="path"/> is left untouched.
    /// </summary>
    /// <remarks>
    /// All arguments are validated before any file is created. After the rename the directory is
    /// flushed too (<see cref="PosixFiles.SyncDirectory"/>), so a power cut keeps the new file.
    /// </remarks>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="tensors">Tensors to store; names must be unique.</param>
    /// <param name="metadata">Optional string metadata stored under <c>__metadata__</c>; values must not be null.</param>
    /// <exception cref="ArgumentException">The path is empty, a tensor is null, two tensors share a name, or a metadata value is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The destination directory does not exist.</exception>
    /// <exception cref="IOException">Writing or renaming failed (for example <paramref name="path"/> is a directory).</exception>
    /// <exception cref="UnauthorizedAccessException">The destination may not be written or replaced.</exception>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);

        List<SafeTensor> list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensor? tensor in list)
        {
            if (tensor is null)
                throw new ArgumentException("The tensor list contains null.", nameof(tensors));
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"Two tensors are named '{tensor.Name}'.", nameof(tensors));
        }

        if (metadata is not null)
        {
            foreach ((string key, string? value) in metadata)
            {
                if (value is null)
                    throw new ArgumentException($"Metadata value for '{key}' is null; safetensors metadata values are strings.", nameof(metadata));
            }
        }

        byte[] header = BuildHeader(list, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> lengthPrefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthPrefix, (ulong)header.Length);
            stream.Write(lengthPrefix);
            stream.Write(header);
            foreach (SafeTensor tensor in list)
                stream.Write(tensor.Data.Span);
        });
    }

    /// <summary>
    /// The header bytes: UTF-8 JSON with <c>__metadata__</c> first (when given) and then each
    /// tensor in order with contiguous offsets, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    private static byte[] BuildHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII names and metadata readable as UTF-8 in the header;
        // the header is never embedded in HTML, which is what the default encoder guards against.
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensor tensor in tensors)
            {
                long end = offset + tensor.Data.Length;
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (int dim in tensor.Shape)
                    json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        int padding = (HeaderAlignment - (int)(buffer.Length % HeaderAlignment)) % HeaderAlignment;
        for (int i = 0; i < padding; i++)
            buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// <summary>Product of the dimensions, or null when one is negative or the product overflows.</summary>
    internal static long? ElementCount(ReadOnlySpan<int> shape)
    {
        long elements = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
                return null;
            // Overflow check by division: elements * dim > long.MaxValue.
            if (dim != 0 && elements > long.MaxValue / dim)
                return null;
            elements *= dim;
        }

        return elements;
    }

    /// <summary>Bytes of <paramref name="elements"/> elements, or null when that exceeds the largest byte array.</summary>
    internal static long? ByteCount(long elements, SafeTensorDType dtype)
    {
        int size = dtype.ElementSize();
        return elements > Array.MaxLength / size ? null : elements * size;
    }
}
