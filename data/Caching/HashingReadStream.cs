using System.Security.Cryptography;

namespace NativeCnn.Data.Caching;

/// <summary>
/// Reads at most <c>limit</c> bytes from an inner stream and feeds every byte read to a hash, so a
/// file can be parsed and checksummed in one pass. Reading past the limit returns end-of-stream,
/// which keeps a corrupt length field from running into the trailing checksum.
/// </summary>
internal sealed class HashingReadStream(Stream inner, IncrementalHash hash, long limit) : Stream
{
    private long remaining = limit;

    /// <summary>Bytes still readable before the limit.</summary>
    public long Remaining => remaining;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length > remaining)
        {
            buffer = buffer[..(int)remaining];
        }
        int n = inner.Read(buffer);
        hash.AppendData(buffer[..n]);
        remaining -= n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
