namespace NativeCnn.Data.Imaging;

/// <summary>
/// Reads whole files into one growing byte buffer, so a decoder thread that reads thousands of
/// small images allocates only when it meets a larger file than before. Not thread-safe: one
/// per worker thread. The buffer's content is valid until the next <see cref="Read"/>.
/// </summary>
internal sealed class ReusableFileReader(int initialCapacity = 1 << 16)
{
    /// <summary>Holds the last file read in its first bytes (see the length <see cref="Read"/> returned).</summary>
    public byte[] Buffer { get; private set; } = new byte[initialCapacity];

    /// <summary>Reads <paramref name="path"/> into <see cref="Buffer"/>.</summary>
    /// <returns>The number of bytes read.</returns>
    /// <exception cref="IOException">The file cannot be read or is too large to be an image (over 1 GiB).</exception>
    /// <exception cref="ImageDecodeException">The file has 0 bytes: empty, or a FIFO, socket or device, which is never opened.</exception>
    public int Read(string path)
    {
        GrayImageDecoder.ThrowIfNotReadable(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue / 2)
            throw new IOException($"'{path}' is {length} bytes, too large for an image.");
        if (Buffer.Length < length)
            Buffer = new byte[Math.Max(length, Buffer.Length * 2L)];
        int total = 0;
        while (total < length)
        {
            // A file that shrinks while being read ends the loop early; the decoder then reports it as truncated.
            int n = RandomAccess.Read(handle, Buffer.AsSpan(total, (int)length - total), total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
