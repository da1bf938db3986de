namespace NativeCnn.Faces;

/// <summary>An axis-aligned rectangle in an image, in pixels: the top-left corner and the size (OpenCV's Rect).</summary>
/// <param name="X">Left edge, pixels from the image's left side, ≥ 0.</param>
/// <param name="Y">Top edge, pixels from the image's top, ≥ 0.</param>
/// <param name="Width">Width in pixels, &gt; 0.</param>
/// <param name="Height">Height in pixels, &gt; 0.</param>
public readonly record struct FaceBox(int X, int Y, int Width, int Height)
{
    /// <summary>One past the right edge: X + Width.</summary>
    public int Right => X + Width;

    /// <summary>One past the bottom edge: Y + Height.</summary>
    public int Bottom => Y + Height;

    /// <summary>
    /// The box grown by <paramref name="margin"/> times its width on the left and on the right and
    /// times its height at the top and at the bottom, then clamped to the image: the crop a face is
    /// classified from. Haar boxes hug the eyes, nose and mouth; FER-2013's and muxspace's faces
    /// include the forehead, chin and some hair, so a margin brings the crop nearer to what the
    /// model was trained on.
    /// </summary>
    /// <param name="margin">Fraction of the box's size added on each side, in [0, 1] (0.2: a 100-pixel box becomes 140 pixels).</param>
    /// <param name="imageWidth">Width of the image the box lies in, pixels.</param>
    /// <param name="imageHeight">Height of the image, pixels.</param>
    /// <returns>The grown box, never outside [0, imageWidth) x [0, imageHeight).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="margin"/> is outside [0, 1], or the box does not overlap the image.</exception>
    public FaceBox WithMargin(double margin, int imageWidth, int imageHeight)
    {
        if (!(margin is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "the margin must be a fraction in [0, 1]");
        int dx = (int)Math.Round(margin * Width), dy = (int)Math.Round(margin * Height);
        int left = Math.Max(0, X - dx), top = Math.Max(0, Y - dy);
        int right = Math.Min(imageWidth, Right + dx), bottom = Math.Min(imageHeight, Bottom + dy);
        if (right <= left || bottom <= top)
            throw new ArgumentOutOfRangeException(nameof(imageWidth), $"box {this} lies outside the {imageWidth}x{imageHeight} image");
        return new FaceBox(left, top, right - left, bottom - top);
    }
}
