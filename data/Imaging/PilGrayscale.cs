namespace NativeCnn.Data.Imaging;

/// <summary>
/// PIL's <c>convert("L")</c> for colour pixels that did not come from a file this library decoded,
/// such as video frames: the same BT.601 luma in PIL's fixed point as <see cref="GrayImageDecoder"/>,
/// so a face cut from a frame reaches the model exactly as the same pixels in an image file would.
/// </summary>
public static class PilGrayscale
{
    /// <summary>Converts interleaved 8-bit BGR pixels (OpenCV's channel order) to gray, one byte per pixel.</summary>
    /// <param name="bgr">Pixels as B, G, R bytes; its length must be a multiple of 3.</param>
    /// <param name="gray">Receives bgr.Length / 3 bytes: <c>(19595 R + 38470 G + 7471 B + 0x8000) &gt;&gt; 16</c> (libImaging/Convert.c, rgb2l).</param>
    /// <exception cref="ArgumentException">The length of <paramref name="bgr"/> is not a multiple of 3, or <paramref name="gray"/> is too short.</exception>
    public static void FromBgr24(ReadOnlySpan<byte> bgr, Span<byte> gray)
    {
        if (bgr.Length % 3 != 0) throw new ArgumentException($"{bgr.Length} bytes are not whole BGR pixels (3 bytes each).", nameof(bgr));
        int pixels = bgr.Length / 3;
        if (gray.Length < pixels) throw new ArgumentException($"gray holds {gray.Length} bytes, {pixels} needed.", nameof(gray));
        for (int i = 0; i < pixels; i++) gray[i] = GrayImageDecoder.Luma(bgr[3 * i + 2], bgr[3 * i + 1], bgr[3 * i]);
    }
}
