using NativeCnn.Data;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>
/// Finds frontal faces in gray images with a Haar cascade (Viola and Jones 2001, "Rapid Object
/// Detection using a Boosted Cascade of Simple Features"; Lienhart and Maydt 2002 for the extended
/// features of OpenCV's frontal-face cascade) through OpenCV's <c>CascadeClassifier</c>. Not
/// thread-safe: one detector per thread.
/// </summary>
public sealed class HaarFaceDetector : IDisposable
{
    private readonly CascadeClassifier _cascade;
    private readonly FaceDetectionOptions _options;

    /// <summary>Loads the cascade named by <paramref name="options"/>.</summary>
    /// <param name="options">Search settings and cascade file; validated here.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="FaceDetectionException">The cascade file is missing or is not a cascade, or OpenCV's native library cannot be loaded.</exception>
    public HaarFaceDetector(FaceDetectionOptions options)
    {
        options.Validate();
        _options = options;
        if (!File.Exists(options.CascadePath))
            throw new FaceDetectionException($"{options.CascadePath}: cascade file not found; expected an OpenCV Haar cascade XML such as haarcascade_frontalface_default.xml");
        OpenCvNative.Quiet();
        _cascade = OpenCvNative.Call(() => new CascadeClassifier(options.CascadePath), options.CascadePath);
        if (_cascade.Empty())
        {
            _cascade.Dispose();
            throw new FaceDetectionException($"{options.CascadePath}: OpenCV read no cascade from this file; expected a Haar cascade XML such as haarcascade_frontalface_default.xml");
        }
    }

    /// <summary>The faces in <paramref name="gray"/>, left to right (then top to bottom).</summary>
    /// <param name="gray">A one-channel image [H, W] of 8-bit gray.</param>
    /// <returns>One box per face found, inside the image; empty when there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="gray"/> has more than one channel.</exception>
    public IReadOnlyList<FaceBox> Detect(DecodedImage gray)
    {
        if (gray.Channels != 1) throw new ArgumentException($"face detection takes a gray image (1 channel), got {gray.Channels} channels", nameof(gray));
        using var mat = Mat.FromPixelData(gray.Height, gray.Width, MatType.CV_8UC1, gray.Pixels);
        var minSize = new Size(_options.MinFaceSize, _options.MinFaceSize);
        Rect[] found = _cascade.DetectMultiScale(mat, _options.ScaleFactor, _options.MinNeighbors, HaarDetectionTypes.ScaleImage, minSize);
        return found.Select(r => new FaceBox(r.X, r.Y, r.Width, r.Height)).OrderBy(b => b.X).ThenBy(b => b.Y).ToList();
    }

    /// <summary>Releases the cascade.</summary>
    public void Dispose() => _cascade.Dispose();
}
