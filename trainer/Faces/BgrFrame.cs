using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>Between OpenCV's 8-bit BGR images (video frames, images to draw on) and the gray images the detector and the model read.</summary>
public static class BgrFrame
{
    /// <summary>PIL's grayscale of an OpenCV image (<see cref="PilGrayscale.FromBgr24"/>): what Keras' load_img would give for the same colour pixels.</summary>
    /// <param name="frame">An 8-bit image: BGR (CV_8UC3), BGRA (CV_8UC4, alpha ignored) or already gray (CV_8UC1).</param>
    /// <returns>A one-channel image [H, W] of the same size.</returns>
    /// <exception cref="ArgumentException">The image is empty or not 8-bit with 1, 3 or 4 channels.</exception>
    public static DecodedImage ToGray(Mat frame)
    {
        if (frame.Empty()) throw new ArgumentException("the frame is empty", nameof(frame));
        if (frame.Depth() != MatType.CV_8U || frame.Channels() is not (1 or 3 or 4))
            throw new ArgumentException($"expected an 8-bit image with 1, 3 or 4 channels, got {frame.Type()}", nameof(frame));
        int width = frame.Width, height = frame.Height, channels = frame.Channels();
        var gray = new byte[width * height];
        using Mat? withoutAlpha = channels == 4 ? frame.CvtColor(ColorConversionCodes.BGRA2BGR) : null;
        Mat bgr = withoutAlpha ?? frame;
        for (int y = 0; y < height; y++)
        {
            // Row by row: a frame may be a view into a larger buffer, with a stride wider than its width.
            ReadOnlySpan<byte> row;
            unsafe { row = new ReadOnlySpan<byte>((byte*)bgr.Ptr(y), width * bgr.Channels()); }
            if (channels == 1) row.CopyTo(gray.AsSpan(y * width, width));
            else PilGrayscale.FromBgr24(row, gray.AsSpan(y * width, width));
        }
        return new DecodedImage(gray, width, height, 1);
    }

    /// <summary>A BGR copy of a gray image (all three channels equal), to draw coloured boxes on.</summary>
    /// <param name="gray">A one-channel image [H, W].</param>
    /// <returns>A new CV_8UC3 image the caller disposes.</returns>
    public static Mat FromGray(DecodedImage gray)
    {
        using var view = Mat.FromPixelData(gray.Height, gray.Width, MatType.CV_8UC1, gray.Pixels);
        return view.CvtColor(ColorConversionCodes.GRAY2BGR);
    }
}
