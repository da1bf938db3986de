using System.Buffers.Binary;
using System.Text;

namespace NativeCnn.Engine.Serialization.Onnx;

/// <summary>
/// Writes one Protocol Buffers message in the binary wire format
/// (https://protobuf.dev/programming-guides/encoding/), just the part ONNX files need. A message is
/// a sequence of fields, each a key followed by a value; the key is the varint
/// <c>field_number &lt;&lt; 3 | wire_type</c>. Wire types used here:
/// <list type="bullet">
/// <item>0, VARINT: integers as base-128 varints, 7 bits per byte, least significant group first,
/// the high bit set on every byte but the last (a negative int64 is its two's complement, 10 bytes);</item>
/// <item>2, LEN: a varint byte count, then that many bytes: strings (UTF-8), bytes, embedded
/// messages, and packed repeated scalars (their values back to back);</item>
/// <item>5, I32: a float as 4 little-endian bytes.</item>
/// </list>
/// Repeated fields are the same key written once per element, except packed ones. Fields may be
/// written in any order; readers take the last value of a non-repeated field.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _bytes = new();

    /// <summary>An int32, int64 or enum field (wire type 0).</summary>
    public ProtobufWriter Int(int field, long value)
    {
        Key(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A float field (wire type 5).</summary>
    public ProtobufWriter Float(int field, float value)
    {
        Key(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A bytes field (wire type 2).</summary>
    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    /// <summary>A string field: UTF-8 bytes (wire type 2).</summary>
    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message field (wire type 2).</summary>
    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message._bytes.GetBuffer().AsSpan(0, (int)message._bytes.Length));

    /// <summary>A packed repeated int64 field: one length-delimited run of varints (wire type 2).</summary>
    public ProtobufWriter PackedInts(int field, IEnumerable<long> values)
    {
        var packed = new ProtobufWriter();
        foreach (long v in values) packed.WriteVarint(unchecked((ulong)v));
        return Message(field, packed);
    }

    /// <summary>The message's bytes.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    private void Key(int field, int wireType) => WriteVarint((ulong)(field << 3 | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
